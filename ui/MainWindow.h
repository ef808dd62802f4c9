#pragma once
// The main window: File > Open (also drag and drop, recent files and the command line), the
// layers panel, the 3D view with the three linked slice views, time-lapse controls, background
// prediction with progress and Cancel, figure export and sessions. Holds the open dataset only
// as a shared, immutable handle; display settings live in the LayerModel.
#include <QMainWindow>
#include <array>
#include <functional>
#include <memory>
#include <optional>

#include "core/model/Dataset.h"
#include "core/prediction/PatchPredictor.h"
#include "render/VolumeScene.h"
#include "ui/SceneRecipe.h"

class QActionGroup;
class QMenu;
class QTimer;

namespace rfx::ui {

class VtkViewWidget;
class ViewerWidget;
class LayerModel;
struct Layer;
class LayersPanel;
class TimeControls;
class FramePrefetcher;
class BackgroundJob;
class ProfilingPanel;
struct Session;
struct ForceRequest;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // The layer drawing the cells selected in the profiling panel over the data.
    static constexpr const char* kSelectedCellsLayer = "selected cells";
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a file; on failure shows the one-line error in the status bar and a message box
    // (unless quiet) and returns false.
    bool openFile(const QString& path, bool quiet = false);
    DatasetPtr dataset() const { return dataset_; }
    // Files from the command line or a drop: the first opens here, each further one in a new
    // window (deleted when closed); *.json files are sessions. Failures are reported, not fatal.
    void openFiles(const QStringList& files);
    int currentFrame() const;
    void setFrame(int frame);
    VtkViewWidget* view() const;  // the 3D view
    ViewerWidget* viewer() const { return viewer_; }
    LayerModel* layers() const { return layers_; }
    LayersPanel* layersPanel() const { return panel_; }
    TimeControls* timeControls() const { return time_; }
    BackgroundJob* job() const { return job_; }
    FramePrefetcher* prefetcher() const { return prefetcher_; }
    void setRenderMode(render::RenderMode mode);
    ProfilingPanel* profilingPanel() const { return profiling_; }
    // Profiles every cell of the open dataset on a worker (segmentation where the file has no
    // cell_labels, 65 features, tracking, UMAP); false when there is no dataset, a job runs or the
    // user keeps unexported results. A computed cell_labels channel is added as a layer.
    bool startProfiling();
    // The "selected cells" layer of the current frame (null when nothing is selected there).
    VolumePtr selectedCellsVolume() const;

    // Predicts fluorescence from the current RI frame on a worker thread; false when no RI or a
    // job already runs. modelDir empty: the bundled model.
    bool startPrediction(const PredictionOptions& options, const QString& modelDir = {});
    // Segments the shown frame on a worker (organelle masks, nucleus_labels, cell_labels from RI and
    // the fluorescence channels present); the new layers are committed together. False when there
    // is no RI channel or a job runs.
    bool startSegmentation();
    // Classical force reconstruction from two bead volumes on the job worker; the results file is
    // written atomically and then opened here. False (reason in *error) when the request is
    // incomplete or a job runs.
    bool startForceReconstruction(const ForceRequest& request, QString* error = nullptr);
    // Writes the 3D view (current camera, layers, mode, annotations) as PNG at width x height.
    bool exportFigure(const QString& path, int width, int height, QString* error = nullptr);
    // Renders a movie of the 3D view (current layers, styles, mode and camera) on the job worker:
    // the whole time-lapse, or a rotation of the shown time point. False when a job runs or the
    // options are refused (message in *error).
    bool startMovieExport(const QString& path, bool rotation, double fps, int width, int height,
                          QString* error = nullptr);
    // Writes the open dataset with every layer (the file's channels and those added by prediction
    // or profiling) to a results HDF5 on the job worker, atomically; afterwards the window refers
    // to the saved file (sessions name it, so they restore those layers). `then` runs after the
    // save has committed. False when nothing is open or a job runs.
    bool startSaveResults(const QString& path, std::function<void()> then = {});
    // Layers added by a job and not yet saved as results.
    bool hasUnsavedLayers() const { return unsavedLayers_; }
    bool saveSession(const QString& path, QString* error = nullptr);
    bool loadSession(const QString& path, QString* error = nullptr);
    // Rebuilds the scene now, blending on the GUI thread, instead of after the debounce (tests, exports).
    void refreshNow();
    // Layer voxels (summed over the blended layers) up to which blends are made on the GUI thread
    // at once; above it, on the prefetcher's thread. Tests lower it to exercise the background path.
    void setSyncBlendLimit(std::size_t layerVoxels) { syncBlendLimit_ = layerVoxels; }

protected:
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;
    void closeEvent(QCloseEvent* e) override;

private:
    void buildMenus();
    void chooseFile();
    void chooseExport();
    void chooseExportMovie();
    void chooseSaveResults();
    void chooseForceReconstruction();
    // Before unsaved layers would be dropped (close, open another file, load a session): asks to
    // save, discard or cancel. True: go on now. False: stop; after a chosen save has committed,
    // `retry` runs (the same action again).
    bool confirmDiscardLayers(const QString& action, std::function<void()> retry);
    // A running job before an action that would end it: true when the user agrees to cancel it.
    bool confirmCancelJob(const QString& action);
    QString askResultsPath();  // the save dialog for results; empty when cancelled
    // The RI channel and its frame at the shown time, for a job on it; nullopt (with a message when
    // there is no RI) when nothing can start.
    std::optional<std::pair<std::size_t, std::size_t>> shownRiFrame(const QString& what);
    // A job's extended dataset and new layers, swapped in at once (false, with a message, when the
    // file it started from is no longer open); marks them unsaved and refreshes the view.
    bool commitLayers(const DatasetPtr& base, const QString& what, DatasetPtr extended, std::vector<Layer> layers);  // beside the open file: NAME_results.h5
    void chooseSaveSession();
    void chooseLoadSession();
    void addRecent(const QString& path);
    void updateRecentMenu();
    void scheduleRefresh();
    // When the 3D blend is made if it is large and not cached yet: Now on the GUI thread;
    // PreviewNow at half resolution now (in full when small) and in full on the prefetcher's
    // thread; IfReady keeps the picture until the prefetcher's full blend is ready (job results
    // arriving: the GUI thread stays free while a job runs).
    enum class BlendWhen { Now, PreviewNow, IfReady };
    // `retry`: called for a background blend that has arrived (counts towards the retry limit).
    void refreshScene(BlendWhen when, bool retry = false);
    void onFrameChanged();
    void pickCellAt(const std::array<double, 3>& xyz);
    void pickCellAlong(const std::array<double, 3>& from, const std::array<double, 3>& to);
    // The cell labels of the shown frame, and that frame, when picking cells is on.
    std::pair<VolumePtr, std::size_t> pickableLabels() const;
    int cellLabelsChannel() const;
    // Frame of channel c showing the current time; nullopt when the channel has no such frame.
    std::optional<std::size_t> frameOf(std::size_t channel) const;
    VolumePtr layerFrame(int layer) const;
    // The visible layers' channels and styles, resolvable at any time point on any thread.
    SceneRecipe sceneRecipe() const;
    // The layers to show at the current time: the recipe's plus the selected-cells highlight.
    std::vector<render::SceneLayer> shownScene(const SceneRecipe& recipe, std::string* problem) const;
    Session currentSession() const;
    void applySession(const Session& s);

    ViewerWidget* viewer_ = nullptr;
    LayerModel* layers_ = nullptr;
    LayersPanel* panel_ = nullptr;
    TimeControls* time_ = nullptr;
    FramePrefetcher* prefetcher_ = nullptr;
    BackgroundJob* job_ = nullptr;
    ProfilingPanel* profiling_ = nullptr;
    QTimer* refreshTimer_ = nullptr;
    QMenu* recentMenu_ = nullptr;
    QActionGroup* modeGroup_ = nullptr;
    DatasetPtr dataset_;
    std::vector<double> times_;  // of the longest channel: what the time slider steps through
    QString path_;
    bool unsavedLayers_ = false;  // a job added layers that exist only in memory
    std::size_t syncBlendLimit_ = 24u << 20;  // ~0.3 s of blending on 2 cores
    struct Highlight {
        VolumePtr labels;       // the cell labels frame it was made from
        std::vector<int> ids;   // the selected cells
        VolumePtr volume;
    };
    mutable Highlight highlight_;  // the last highlight volume, reused while the selection stays
    int backgroundRetries_ = 0;    // background blends that arrived for a scene changed meanwhile
};

} // namespace rfx::ui
