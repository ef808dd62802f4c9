#include "ui/MainWindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QUrl>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QVBoxLayout>
#include <cmath>

#include "core/io/AtomicFile.h"
#include "core/io/DatasetOpener.h"
#include "core/io/ResultsWriter.h"
#include "core/segmentation/DatasetSegmentation.h"
#include "render/FigureRenderer.h"
#include "render/MovieWriter.h"
#include "ui/BackgroundJob.h"
#include "ui/ExtendedDataset.h"
#include "ui/ForceDialog.h"
#include "ui/ForceTask.h"
#include "ui/FramePrefetcher.h"
#include "ui/JobStatusWidget.h"
#include "ui/LayerModel.h"
#include "ui/LayersPanel.h"
#include "ui/MovieExportTask.h"
#include "render/BlendCache.h"
#include "ui/PredictionTask.h"
#include "ui/SegmentationTask.h"
#include "ui/Session.h"
#include "ui/TimeControls.h"
#include "ui/ViewerWidget.h"
#include "ui/VtkViewWidget.h"
#include "ui/profiling/CellHighlight.h"
#include "ui/profiling/ProfilingPanel.h"
#include "ui/profiling/ProfilingTask.h"

namespace rfx::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle("Refractome");
    setAcceptDrops(true);
    layers_ = new LayerModel(this);
    prefetcher_ = new FramePrefetcher(this);
    job_ = new BackgroundJob(this);

    auto* central = new QWidget(this);
    auto* column = new QVBoxLayout(central);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    viewer_ = new ViewerWidget(central);
    time_ = new TimeControls(central);
    column->addWidget(viewer_, 1);
    column->addWidget(time_);
    setCentralWidget(central);
    prefetcher_->setBlendCache(viewer_->scene()->blendCache());

    auto* dock = new QDockWidget(tr("Layers"), this);
    dock->setObjectName("layersDock");
    panel_ = new LayersPanel(layers_, [this](int i) { return layerFrame(i); }, dock);
    dock->setWidget(panel_);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    auto* profilingDock = new QDockWidget(tr("Profiling"), this);
    profilingDock->setObjectName("profilingDock");
    profiling_ = new ProfilingPanel(job_, profilingDock);
    profilingDock->setWidget(profiling_);
    addDockWidget(Qt::RightDockWidgetArea, profilingDock);
    profilingDock->hide();  // shown when profiling starts (or from the View menu): viewing needs the room
    connect(profiling_, &ProfilingPanel::profileRequested, this, [this] { startProfiling(); });
    connect(profiling_, &ProfilingPanel::selectionChanged, this, [this] { scheduleRefresh(); });
    connect(viewer_, &ViewerWidget::crosshairChanged, this, [this](const std::array<double, 3>& xyz) { pickCellAt(xyz); });
    connect(viewer_, &ViewerWidget::viewRayPicked, this,
            [this](const std::array<double, 3>& from, const std::array<double, 3>& to) { pickCellAlong(from, to); });

    statusBar()->addPermanentWidget(new JobStatusWidget(job_, this));
    refreshTimer_ = new QTimer(this);
    refreshTimer_->setSingleShot(true);
    refreshTimer_->setInterval(40);  // coalesces slider drags into one re-blend
    connect(refreshTimer_, &QTimer::timeout, this, [this] { refreshScene(BlendWhen::PreviewNow); });
    // The full-resolution blend made on the prefetcher's thread replaces a preview (or the
    // previous picture) as soon as it is ready. Still not ready means the frames or styles changed
    // meanwhile: try again in the background twice, then blend here so the view cannot stay stale.
    connect(prefetcher_, &FramePrefetcher::shownBlendReady, this, [this](int request) {
        if (request != prefetcher_->latestRequest())
            return;  // blended for a scene that has been replaced since: its own request is under way
        refreshScene(++backgroundRetries_ > 2 ? BlendWhen::Now : BlendWhen::IfReady, true);
    });
    connect(layers_, &LayerModel::styleChanged, this, [this] { scheduleRefresh(); });
    connect(layers_, &LayerModel::layersReset, this, [this] { scheduleRefresh(); });
    connect(time_, &TimeControls::frameChanged, this, [this] { onFrameChanged(); });
    connect(job_, &BackgroundJob::failed, this, [this](const QString& t, const QString& msg) {
        statusBar()->showMessage(tr("%1 failed: %2").arg(t, msg));
    });
    connect(job_, &BackgroundJob::cancelled, this,
            [this](const QString& t) { statusBar()->showMessage(tr("%1 cancelled; nothing was changed").arg(t)); });
    buildMenus();
    statusBar()->showMessage(tr("Ready. File > Open or drop a .TCF, TIFF or .h5 file here."));
    resize(1400, 900);
}

MainWindow::~MainWindow()
{
    job_->cancel();
    job_->wait();
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open..."), QKeySequence::Open, this, &MainWindow::chooseFile);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    file->addSeparator();
    file->addAction(tr("Save &Results (HDF5)..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), this,
                    &MainWindow::chooseSaveResults)
        ->setToolTip(tr("Write every layer, including predicted and segmented ones, to a results file"));
    file->addSeparator();
    file->addAction(tr("&Export Figure (PNG)..."), QKeySequence(Qt::CTRL | Qt::Key_E), this, &MainWindow::chooseExport);
    file->addAction(tr("Export &Movie..."), this, &MainWindow::chooseExportMovie);
    file->addSeparator();
    file->addAction(tr("&Save Session..."), QKeySequence::Save, this, &MainWindow::chooseSaveSession);
    file->addAction(tr("&Load Session..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this,
                    &MainWindow::chooseLoadSession);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    modeGroup_ = new QActionGroup(this);
    const struct {
        const char* text;
        render::RenderMode mode;
        Qt::Key key;
    } modes[] = {{"&Composite volume", render::RenderMode::Composite, Qt::Key_1},
                 {"&Maximum intensity", render::RenderMode::MaximumIntensity, Qt::Key_2},
                 {"&Iso-surfaces", render::RenderMode::IsoSurface, Qt::Key_3}};
    for (const auto& m : modes) {
        QAction* a = view->addAction(tr(m.text));
        a->setCheckable(true);
        a->setShortcut(QKeySequence(m.key));
        a->setData(static_cast<int>(m.mode));
        a->setChecked(m.mode == render::RenderMode::Composite);
        modeGroup_->addAction(a);
        const render::RenderMode mode = m.mode;
        connect(a, &QAction::triggered, this, [this, mode] { setRenderMode(mode); });
    }
    view->addSeparator();
    QAction* slices = view->addAction(tr("&Slice Views"));
    slices->setCheckable(true);
    slices->setChecked(true);
    slices->setShortcut(QKeySequence(Qt::Key_S));
    connect(slices, &QAction::toggled, viewer_, &ViewerWidget::setSlicesVisible);
    QAction* bar = view->addAction(tr("Scale &Bar and Axes"));
    bar->setCheckable(true);
    bar->setChecked(true);
    connect(bar, &QAction::toggled, this, [this](bool on) {
        viewer_->scene()->setScaleBarVisible(on);
        viewer_->scene()->setAxesVisible(on);
        viewer_->view3D()->requestRender();
    });
    QAction* clip = view->addAction(tr("&Clipping Box"));
    clip->setCheckable(true);
    clip->setShortcut(QKeySequence(Qt::Key_C));
    connect(clip, &QAction::toggled, viewer_, &ViewerWidget::setClippingBoxVisible);
    view->addAction(tr("&Reset Views"), QKeySequence(Qt::Key_R), viewer_, &ViewerWidget::resetViews);
    if (auto* dock = qobject_cast<QDockWidget*>(profiling_->parentWidget())) {
        QAction* panel = dock->toggleViewAction();
        panel->setText(tr("Pro&filing Panel"));
        view->addAction(panel);
    }
    view->addSeparator();
    view->addAction(tr("&Play / Pause"), QKeySequence(Qt::Key_Space), this,
                    [this] { time_->setPlaying(!time_->playing()); });
    view->addAction(tr("&Next Frame"), QKeySequence(Qt::Key_Right), this, [this] { time_->step(1); });
    view->addAction(tr("Pre&vious Frame"), QKeySequence(Qt::Key_Left), this, [this] { time_->step(-1); });

    QMenu* analysis = menuBar()->addMenu(tr("&Analysis"));
    QAction* predict = analysis->addAction(tr("&Predict Fluorescence (current frame)"), QKeySequence(Qt::CTRL | Qt::Key_P),
                                           this, [this] { startPrediction(PredictionOptions{}); });
    predict->setToolTip(tr("RI2FL: predict the six organelle channels from RI in the background"));
    analysis->addAction(tr("Predict with &Uncertainty (TTA x4, MC x4)"), this, [this] {
        PredictionOptions o;
        o.tta = 4;
        o.mc = 4;
        startPrediction(o);
    });
    analysis->addSeparator();
    analysis->addAction(tr("&Segment Cells (current frame)"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G), this,
                        [this] { startSegmentation(); })
        ->setToolTip(tr("Organelle masks, nuclei and cells (marker watershed) from RI and the fluorescence channels"));
    analysis->addAction(tr("Pro&file Cells (segment, features, tracks, UMAP)"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P),
                        this, [this] { startProfiling(); });
    analysis->addAction(tr("Reconstruct &Forces (bead volumes)..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F),
                        this, &MainWindow::chooseForceReconstruction)
        ->setToolTip(tr("Classical 3D force microscopy: bead displacements by volume correlation, then stresses and forces"));
    analysis->addSeparator();
    analysis->addAction(tr("&Cancel Running Job"), QKeySequence(Qt::Key_Escape), job_, &BackgroundJob::cancel);
}

void MainWindow::chooseForceReconstruction()
{
    if (job_->running()) {
        statusBar()->showMessage(tr("%1 is running; start the force reconstruction when it has finished").arg(job_->title()));
        return;
    }
    ForceDialog dialog(this);
    ForceRequest r;
    r.relaxedPath = path_;  // the open bead volume, most often the relaxed one
    dialog.setRequest(r);
    if (dialog.exec() == QDialog::Accepted)
        startForceReconstruction(dialog.request());
}

bool MainWindow::startForceReconstruction(const ForceRequest& request, QString* error)
{
    const QString problem = checkForceRequest(request);
    if (!problem.isEmpty() || job_->running()) {
        if (error)
            *error = problem.isEmpty() ? tr("another job is running") : problem;
        return false;
    }
    auto commit = [this](const QString& path, const CellForceSummary& s) {
        statusBar()->showMessage(tr("Forces: contractility %1 nN, strain energy %2 pJ, net force %3 % of the total; "
                                    "wrote %4")
                                     .arg(s.contractility_pN / 1000.0, 0, 'f', 2)
                                     .arg(s.strainEnergy_pJ, 0, 'g', 3)
                                     .arg(100 * s.netForceRatio, 0, 'f', 1)
                                     .arg(path));
        openFile(path);  // arrows over the cell surface and the bead plane (asks first about unsaved layers)
    };
    return job_->start(tr("Reconstructing forces"), makeForceWork(request, commit));
}

VtkViewWidget* MainWindow::view() const { return viewer_->view3D(); }
int MainWindow::currentFrame() const { return time_->frame(); }
void MainWindow::setFrame(int frame) { time_->setFrame(frame); }

void MainWindow::setRenderMode(render::RenderMode mode)
{
    for (QAction* a : modeGroup_->actions())
        if (a->data().toInt() == static_cast<int>(mode))
            a->setChecked(true);
    viewer_->setMode(mode);
}

void MainWindow::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open tomogram"), QString(),
        tr("Tomograms (*.TCF *.tcf *.tif *.tiff *.h5 *.hdf5 *.nrrd *.mha *.mhd *.nii *.nii.gz);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

void MainWindow::addRecent(const QString& path)
{
    QSettings settings;
    QStringList recent = settings.value("recentFiles").toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 10)
        recent.removeLast();
    settings.setValue("recentFiles", recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    recentMenu_->clear();
    const QStringList recent = QSettings().value("recentFiles").toStringList();
    for (const QString& p : recent)
        recentMenu_->addAction(QFileInfo(p).fileName(), this, [this, p] { openFile(p); })->setToolTip(p);
    recentMenu_->setEnabled(!recent.isEmpty());
}

bool MainWindow::openFile(const QString& path, bool quiet)
{
    const QString action = tr("open %1").arg(QFileInfo(path).fileName());
    if (!confirmDiscardLayers(action, [this, path, quiet] { openFile(path, quiet); }))
        return false;
    if (!confirmCancelJob(action))
        return false;
    DatasetPtr ds;
    try {
        ds = openDataset(path.toStdString());
    } catch (const std::exception& e) {
        statusBar()->showMessage(QString::fromStdString(e.what()));
        if (!quiet)
            QMessageBox::warning(this, tr("Cannot open file"), QString::fromStdString(e.what()));
        return false;
    }
    job_->cancel();  // agreed above: a running job belongs to the previous file
    dataset_ = ds;
    path_ = path;
    unsavedLayers_ = false;
    std::size_t longest = 0;
    for (std::size_t c = 0; c < ds->channelCount(); ++c)
        if (ds->channel(c).frames() > ds->channel(longest).frames())
            longest = c;
    const int ri = ds->firstChannelWithRole(ChannelRole::RefractiveIndex);
    if (ri >= 0 && ds->channel(static_cast<std::size_t>(ri)).frames() == ds->channel(longest).frames())
        longest = static_cast<std::size_t>(ri);
    times_ = ds->channelCount() ? ds->channel(longest).times_s : std::vector<double>{};
    {
        const QSignalBlocker block(time_);
        time_->setTimes(times_);
    }
    layers_->reset(dataset_, 0);
    refreshNow();
    viewer_->resetViews();
    setWindowTitle(QFileInfo(path).fileName() + " - Refractome");
    addRecent(QFileInfo(path).absoluteFilePath());
    const ChannelInfo& primary = ds->channel(longest);
    statusBar()->showMessage(tr("Opened %1: %2 x %3 x %4 voxels (z, y, x), voxel %5 x %6 x %7 µm, %8 frame(s), %9 layers")
                                 .arg(QFileInfo(path).fileName())
                                 .arg(primary.grid.shape[0]).arg(primary.grid.shape[1]).arg(primary.grid.shape[2])
                                 .arg(primary.grid.spacing_um[0]).arg(primary.grid.spacing_um[1])
                                 .arg(primary.grid.spacing_um[2])
                                 .arg(times_.size()).arg(ds->channelCount()));
    return true;
}

std::optional<std::size_t> MainWindow::frameOf(std::size_t c) const
{
    return channelFrameAt(dataset_->channel(c), times_, static_cast<std::size_t>(std::max(0, time_->frame())));
}

SceneRecipe MainWindow::sceneRecipe() const
{
    SceneRecipe r;
    r.dataset = dataset_;
    r.times_s = times_;
    for (int i = 0; dataset_ && i < layers_->count(); ++i) {
        const Layer& l = layers_->layer(i);
        if (!l.style.visible || !l.renderable)
            continue;
        LayerRecipe m;
        m.channel = l.channel;
        m.layer.name = l.name.toStdString();
        m.layer.role = l.role;
        m.layer.unit = dataset_->channel(l.channel).unit;
        m.layer.style = l.style;
        if (l.style.fadeBy >= 0 && l.style.fadeBy < layers_->count()) {
            const Layer& u = layers_->layer(l.style.fadeBy);
            m.fadeChannel = static_cast<int>(u.channel);
            m.fadeHigh = l.style.fadeHigh > 0 ? l.style.fadeHigh : u.style.windowHigh;
        }
        r.layers.push_back(std::move(m));
    }
    return r;
}

VolumePtr MainWindow::layerFrame(int layer) const
{
    if (!dataset_ || layer < 0 || layer >= layers_->count())
        return nullptr;
    const Layer& l = layers_->layer(layer);
    const auto f = frameOf(l.channel);
    if (!f || !l.renderable)
        return nullptr;
    try {
        return dataset_->frame(l.channel, *f);
    } catch (const std::exception&) {
        return nullptr;
    }
}

void MainWindow::scheduleRefresh() { refreshTimer_->start(); }

std::vector<render::SceneLayer> MainWindow::shownScene(const SceneRecipe& recipe, std::string* problem) const
{
    if (!dataset_)
        return {};
    std::vector<render::SceneLayer> scene = recipe.at(static_cast<std::size_t>(std::max(0, time_->frame())), problem);
    if (VolumePtr selected = selectedCellsVolume()) {
        // The cells selected in the profiling panel, drawn over the data in one bright colour.
        render::SceneLayer s;
        s.name = kSelectedCellsLayer;
        s.role = ChannelRole::Other;
        s.volume = std::move(selected);
        s.style.color = {1.f, 0.85f, 0.f};
        s.style.opacity = 0.5;  // the cells' own signal stays visible under the highlight
        s.style.windowLow = 0;
        s.style.windowHigh = 1;
        scene.push_back(std::move(s));
    }
    return scene;
}

void MainWindow::refreshNow()
{
    refreshTimer_->stop();
    refreshScene(BlendWhen::Now);
}

void MainWindow::refreshScene(BlendWhen when, bool retry)
{
    if (!dataset_)
        return;
    if (!retry)
        backgroundRetries_ = 0;
    QElapsedTimer clock;
    clock.start();
    const SceneRecipe recipe = sceneRecipe();
    const auto t = static_cast<std::size_t>(std::max(0, time_->frame()));
    std::string problem;
    std::vector<render::SceneLayer> scene = shownScene(recipe, &problem);
    // Small blends are made at once; large ones (7 x 16 M voxels take seconds on 2 cores) on the
    // prefetcher's thread, with a half-resolution preview meanwhile or the previous picture kept.
    std::size_t layerVoxels = 0;
    for (const auto& l : render::compositeInputs(scene).layers)
        layerVoxels += l.volume->voxels();
    const bool ready = when == BlendWhen::Now || layerVoxels == 0 ||  // nothing to blend: arrows, planes, surfaces
                       (when == BlendWhen::PreviewNow && layerVoxels <= syncBlendLimit_) ||
                       viewer_->scene()->mode() == render::RenderMode::IsoSurface ||
                       viewer_->scene()->blendCache()->contains(scene, 1);
    if (ready)
        backgroundRetries_ = 0;
    if (ready || when == BlendWhen::PreviewNow) {
        viewer_->setPreview(!ready);
        viewer_->setQuickRender(when == BlendWhen::PreviewNow);
        viewer_->setLayers(scene);
        viewer_->setPreview(false);
        viewer_->setQuickRender(false);
        if (times_.size() > 1)
            viewer_->setTimeText(tr("t = %1  (frame %2/%3)")
                                     .arg(TimeControls::timeText(times_[t]))
                                     .arg(t + 1)
                                     .arg(times_.size()));
        else
            viewer_->setTimeText(QString());
    }
    // The next frame is blended ahead only without a cell highlight (the recipe has no highlight layer).
    const bool highlighted = scene.size() > 0 && scene.back().name == kSelectedCellsLayer;
    prefetcher_->request(recipe, t, ready ? std::vector<render::SceneLayer>{} : scene, !highlighted);
    if (!problem.empty())
        statusBar()->showMessage(QString::fromStdString(problem));
    else if (!job_->running())
        statusBar()->showMessage(ready ? tr("%1 layer(s) shown, blended in %2 ms").arg(scene.size()).arg(clock.elapsed())
                                       : tr("%1 layer(s): blending at full resolution...").arg(scene.size()),
                                 3000);
}

void MainWindow::onFrameChanged()
{
    // Switching frames must feel immediate: no debounce (the prefetcher has read the frames and
    // blended the next one ahead); a frame not blended yet shows a half-resolution preview until
    // the full blend arrives from the prefetcher's thread.
    refreshScene(BlendWhen::PreviewNow);
    panel_->refreshHistogram();
}

bool MainWindow::startPrediction(const PredictionOptions& options, const QString& modelDir)
{
    const auto shown = shownRiFrame(tr("Prediction"));
    if (!shown)
        return false;
    const auto [ri, f] = *shown;
    PredictionSetup setup;
    try {
        setup.ri = dataset_->frame(ri, f);  // the immutable snapshot
    } catch (const std::exception& e) {
        statusBar()->showMessage(QString::fromStdString(e.what()));
        return false;
    }
    setup.frame = f;
    setup.time_s = dataset_->channel(ri).times_s[f];
    setup.modelDir = modelDir.toStdString();
    setup.options = options;
    for (std::size_t c = 0; c < dataset_->channelCount(); ++c)
        setup.takenNames.push_back(dataset_->channel(c).name);
    setup.base = dataset_;
    const DatasetPtr base = dataset_;
    auto commit = [this, base](const PredictionOutcome& out) {
        if (!commitLayers(base, tr("Prediction"), out.extended, out.layers))
            return;
        statusBar()->showMessage(tr("Prediction added %1 layer(s) (%2 patches, %3 s)")
                                     .arg(out.channels.size())
                                     .arg(out.report.patches)
                                     .arg(out.report.totalSeconds, 0, 'f', 1));
    };
    return job_->start(tr("Predicting fluorescence"), makePredictionWork(std::move(setup), commit));
}

std::optional<std::pair<std::size_t, std::size_t>> MainWindow::shownRiFrame(const QString& what)
{
    if (!dataset_ || job_->running())
        return std::nullopt;
    const int ri = riChannelIndex(*dataset_);
    if (ri < 0) {
        statusBar()->showMessage(tr("%1 needs an RI channel; this file has none").arg(what));
        return std::nullopt;
    }
    const auto f = frameOf(static_cast<std::size_t>(ri));
    if (!f)
        return std::nullopt;
    return std::make_pair(static_cast<std::size_t>(ri), *f);
}

bool MainWindow::commitLayers(const DatasetPtr& base, const QString& what, DatasetPtr extended, std::vector<Layer> layers)
{
    if (dataset_ != base) {
        statusBar()->showMessage(tr("%1 finished for a file that is no longer open; discarded").arg(what));
        return false;
    }
    dataset_ = std::move(extended);
    layers_->appendLayers(std::move(layers));
    unsavedLayers_ = true;
    refreshTimer_->stop();
    refreshScene(BlendWhen::IfReady);  // a large blend is made off the GUI thread
    return true;
}

bool MainWindow::startSegmentation()
{
    const auto shown = shownRiFrame(tr("Segmentation"));
    if (!shown)
        return false;
    SegmentationSetup setup;
    setup.dataset = dataset_;
    setup.frame = shown->second;
    const DatasetPtr base = dataset_;
    auto commit = [this, base](const SegmentationOutcome& out) {
        std::vector<Layer> layers = out.layers;
        for (Layer& l : layers)  // the cells are what was asked for: show them
            l.style.visible = l.name.startsWith("cell_labels");
        if (!commitLayers(base, tr("Segmentation"), out.extended, std::move(layers)))
            return;
        statusBar()->showMessage(tr("Segmented %1 cell(s), %2 touching the border; save them with File > Save Results")
                                     .arg(out.cells)
                                     .arg(out.borderCells));
    };
    return job_->start(tr("Segmenting cells"), makeSegmentationWork(std::move(setup), commit));
}

int MainWindow::cellLabelsChannel() const
{
    if (!dataset_)
        return -1;
    const int c = dataset_->channelIndex("cell_labels");
    return c >= 0 && dataset_->channel(std::size_t(c)).role == ChannelRole::Labels ? c : -1;
}

VolumePtr MainWindow::selectedCellsVolume() const
{
    const int c = cellLabelsChannel();
    if (c < 0 || profiling_->selectedRows().empty())
        return nullptr;
    const auto f = frameOf(std::size_t(c));
    if (!f)
        return nullptr;
    const std::vector<int> ids = profiling_->selectedCells(*f, QString::fromStdString(dataset_->path()));
    if (ids.empty())
        return nullptr;
    try {
        // The same selection on the same frame gives the same volume: the 3D blend of a scene with
        // a highlight is then found in the blend cache (frames count by identity there).
        const VolumePtr labels = dataset_->frame(std::size_t(c), *f);
        if (highlight_.labels != labels || highlight_.ids != ids)
            highlight_ = {labels, ids, cellHighlightVolume(*labels, ids)};
        return highlight_.volume;
    } catch (const std::exception&) {
        return nullptr;
    }
}

std::pair<VolumePtr, std::size_t> MainWindow::pickableLabels() const
{
    const int c = cellLabelsChannel();
    if (c < 0 || !profiling_->pickingEnabled())
        return {nullptr, 0};
    const auto f = frameOf(std::size_t(c));
    if (!f)
        return {nullptr, 0};
    try {
        return {dataset_->frame(std::size_t(c), *f), *f};
    } catch (const std::exception& e) {
        statusBar()->showMessage(QString::fromStdString(e.what()));
        return {nullptr, 0};
    }
}

void MainWindow::pickCellAt(const std::array<double, 3>& xyz)
{
    const auto [labels, frame] = pickableLabels();
    if (!labels)
        return;
    const int id = labelAt(*labels, xyz);
    if (id > 0 && profiling_->selectCell(frame, id, QString::fromStdString(dataset_->path())))
        statusBar()->showMessage(tr("Selected cell %1 of frame %2").arg(id).arg(frame + 1), 3000);
}

void MainWindow::pickCellAlong(const std::array<double, 3>& from, const std::array<double, 3>& to)
{
    // The crosshair goes to the cell's surface under the mouse; pickCellAt then selects it.
    const auto labels = pickableLabels().first;
    if (!labels)
        return;
    if (const auto hit = firstLabelledPoint(*labels, from, to))
        viewer_->setCrosshair(*hit);
}

bool MainWindow::startProfiling()
{
    if (auto* dock = qobject_cast<QDockWidget*>(profiling_->parentWidget()); dock && dock->isHidden()) {
        dock->show();  // where the table and the plots will appear, with room for them
        resizeDocks({dock}, {std::max(560, width() / 3)}, Qt::Horizontal);
    }
    ProfilingSetup setup;
    setup.appendTo = profiling_->appendTarget();  // kept rows are not lost: no need to ask
    if (!dataset_ || job_->running() || (!setup.appendTo && !profiling_->confirmReplace()))
        return false;
    setup.dataset = dataset_;  // immutable handle: the snapshot the worker reads
    setup.condition = profiling_->condition().toStdString();
    const DatasetPtr base = dataset_;
    auto commit = [this, base](const ProfilingOutcome& out) {
        if (dataset_ != base) {
            statusBar()->showMessage(tr("Profiling finished for a dataset that is no longer open; discarded"));
            return;
        }
        // Cells segmented here (the file had no cell_labels) become a layer, so the cells the
        // table describes can be seen and picked.
        if (cellLabelsChannel() < 0 && !out.cellLabels.empty()) {
            ChannelInfo info;
            info.name = dataset_->channelIndex("cell_labels") < 0 ? "cell_labels" : "cell_labels_profiled";
            info.role = ChannelRole::Labels;
            info.unit = "label";
            info.grid = out.cellLabels.front()->grid();
            info.times_s = out.times_s;
            info.display = defaultDisplayFor(info.name, info.role);
            const std::size_t first = base->channelCount();
            dataset_ = extendDataset(base, {info}, {out.cellLabels});
            layers_->appendChannels(dataset_, first, 0);
            unsavedLayers_ = true;
        }
        profiling_->setResults(out.results);
        refreshTimer_->stop();
        refreshScene(BlendWhen::IfReady);
        statusBar()->showMessage(tr("Profiled %1 cell rows in %2 frame(s)%3")
                                     .arg(out.results->table->rowCount())
                                     .arg(out.times_s.size())
                                     .arg(out.cellsWithoutNucleus ? tr("; %1 cells without a nucleus skipped")
                                                                        .arg(out.cellsWithoutNucleus)
                                                                  : QString()));
    };
    return job_->start(tr("Profiling cells"), makeProfilingWork(std::move(setup), commit));
}

bool MainWindow::exportFigure(const QString& path, int width, int height, QString* error)
{
    try {
        render::FigureOptions o;
        o.width = width;
        o.height = height;
        o.mode = viewer_->scene()->mode();
        o.camera = viewer_->scene()->camera();
        if (times_.size() > 1)
            o.timeText = tr("t = %1").arg(TimeControls::timeText(times_[static_cast<std::size_t>(time_->frame())])).toStdString();
        // The current layers, not the view's: a job's results may still be blending for the view.
        std::string problem;
        render::renderFigure(shownScene(sceneRecipe(), &problem), o, path.toStdString());
        statusBar()->showMessage(tr("Wrote %1 (%2 x %3)").arg(path).arg(width).arg(height));
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        statusBar()->showMessage(QString::fromStdString(e.what()));
        return false;
    }
}

void MainWindow::chooseExport()
{
    if (!dataset_)
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export figure"), QString(), tr("PNG image (*.png)"));
    if (path.isEmpty())
        return;
    const QSize def = view()->size() * 2;
    bool ok = false;
    const QString size = QInputDialog::getText(this, tr("Figure size"), tr("Width,height in pixels:"), QLineEdit::Normal,
                                               QString("%1,%2").arg(def.width()).arg(def.height()), &ok);
    if (!ok)
        return;
    const QStringList wh = size.split(',');
    const int w = wh.value(0).trimmed().toInt(), h = wh.value(1).trimmed().toInt();
    if (w < 16 || h < 16 || w > 8192 || h > 8192) {
        QMessageBox::warning(this, tr("Export figure"), tr("Size must be two numbers between 16 and 8192"));
        return;
    }
    QString error;
    if (!exportFigure(path.endsWith(".png", Qt::CaseInsensitive) ? path : path + ".png", w, h, &error))
        QMessageBox::warning(this, tr("Export figure"), error);
}

bool MainWindow::startMovieExport(const QString& path, bool rotation, double fps, int width, int height, QString* error)
{
    auto refuse = [&](const QString& message) {
        if (error)
            *error = message;
        statusBar()->showMessage(message);
        return false;
    };
    if (!dataset_)
        return refuse(tr("No dataset open"));
    if (job_->running())
        return refuse(tr("Another job is running"));
    MovieExportSetup setup;
    setup.path = path.toStdString();
    setup.fps = fps;
    setup.rotation = rotation;
    setup.figure.width = width;
    setup.figure.height = height;
    setup.figure.mode = viewer_->scene()->mode();
    setup.figure.camera = viewer_->scene()->camera();
    try {
        render::MovieWriter::checkSupported(setup.path, width, height, fps);
        checkWritableDestination(setup.path);
    } catch (const std::exception& e) {
        return refuse(QString::fromStdString(e.what()));
    }
    for (double t : times_)
        setup.timeTexts.push_back(times_.size() > 1 ? tr("t = %1").arg(TimeControls::timeText(t)).toStdString() : "");
    if (rotation) {
        std::string problem;  // unreadable layers are left out, as in the view
        setup.rotationLayers = shownScene(sceneRecipe(), &problem);  // immutable frames of the shown time point
        const auto t = static_cast<std::size_t>(std::max(0, time_->frame()));
        setup.figure.timeText = t < setup.timeTexts.size() ? setup.timeTexts[t] : std::string();
    } else {
        setup.scene = sceneRecipe();
    }
    const int frames = rotation ? setup.steps : static_cast<int>(times_.size());
    auto commit = [this, path, frames] { statusBar()->showMessage(tr("Wrote %1 (%2 frames)").arg(path).arg(frames)); };
    return job_->start(tr("Exporting movie"), makeMovieExportWork(std::move(setup), commit));
}

void MainWindow::chooseExportMovie()
{
    if (!dataset_)
        return;
    const bool haveFfmpeg = !render::MovieWriter::findFfmpeg().empty();
    const QString filter = haveFfmpeg ? tr("MP4 movie (*.mp4);;Ogg Theora movie (*.ogv)") : tr("Ogg Theora movie (*.ogv)");
    QString path = QFileDialog::getSaveFileName(this, tr("Export movie"), QString(), filter);
    if (path.isEmpty())
        return;
    if (!path.endsWith(".mp4", Qt::CaseInsensitive) && !path.endsWith(".ogv", Qt::CaseInsensitive))
        path += haveFfmpeg ? ".mp4" : ".ogv";
    bool ok = false;
    const QStringList kinds = {tr("Time-lapse (one frame per time point)"), tr("Rotation of the shown time point")};
    const QString kind = QInputDialog::getItem(this, tr("Export movie"), tr("Movie:"), kinds,
                                               times_.size() > 1 ? 0 : 1, false, &ok);
    if (!ok)
        return;
    const bool rotation = kind == kinds[1];
    const double fps = QInputDialog::getDouble(this, tr("Export movie"), tr("Frames per second:"), rotation ? 24 : 5,
                                               1, 120, 1, &ok);
    if (!ok)
        return;
    // 4:2:0 video needs even sizes.
    const QSize def = view()->size() / 2 * 2;
    const QString size = QInputDialog::getText(this, tr("Movie size"), tr("Width,height in pixels (even):"),
                                               QLineEdit::Normal, QString("%1,%2").arg(def.width()).arg(def.height()), &ok);
    if (!ok)
        return;
    const QStringList wh = size.split(',');
    QString error;
    if (!startMovieExport(path, rotation, fps, wh.value(0).trimmed().toInt(), wh.value(1).trimmed().toInt(), &error) &&
        !error.isEmpty())
        QMessageBox::warning(this, tr("Export movie"), error);
}

Session MainWindow::currentSession() const
{
    Session s;
    s.file = path_.isEmpty() ? QString() : QFileInfo(path_).absoluteFilePath();
    s.frame = time_->frame();
    s.mode = viewer_->scene()->mode();
    s.fps = time_->framesPerSecond();
    s.slicesVisible = viewer_->slicesVisible();
    s.crosshair = viewer_->crosshair();
    s.camera = viewer_->scene()->camera();
    for (int i = 0; i < layers_->count(); ++i)
        s.layers[layers_->layer(i).name] = layers_->layer(i).style;
    s.windowState = saveState();
    s.windowGeometry = saveGeometry();
    s.profiling = profiling_->state();
    return s;
}

bool MainWindow::saveSession(const QString& path, QString* error)
{
    try {
        currentSession().save(path);
        statusBar()->showMessage(tr("Saved session %1").arg(path));
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        statusBar()->showMessage(QString::fromStdString(e.what()));
        return false;
    }
}

void MainWindow::applySession(const Session& s)
{
    for (int i = 0; i < layers_->count(); ++i) {
        auto it = s.layers.find(layers_->layer(i).name);
        if (it != s.layers.end())
            layers_->setStyle(i, it->second);
    }
    time_->setFramesPerSecond(s.fps);
    time_->setFrame(std::clamp(s.frame, 0, std::max(0, static_cast<int>(times_.size()) - 1)));
    setRenderMode(s.mode);
    viewer_->setSlicesVisible(s.slicesVisible);
    if (!s.windowGeometry.isEmpty())
        restoreGeometry(s.windowGeometry);
    if (!s.windowState.isEmpty())
        restoreState(s.windowState);
    if (!s.profiling.isEmpty())
        profiling_->restoreState(s.profiling);
    refreshNow();
    if (s.crosshair)
        viewer_->setCrosshair(*s.crosshair);
    if (s.camera)
        viewer_->scene()->setCamera(*s.camera);
    view()->requestRender();
}

bool MainWindow::loadSession(const QString& path, QString* error)
{
    try {
        const Session s = Session::load(path);
        if (!s.file.isEmpty() && QFileInfo(s.file).absoluteFilePath() != QFileInfo(path_).absoluteFilePath() &&
            !openFile(s.file, true))
            throw std::runtime_error(s.file.toStdString() + ": the session's file cannot be opened");
        applySession(s);
        statusBar()->showMessage(tr("Loaded session %1").arg(path));
        return true;
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        statusBar()->showMessage(QString::fromStdString(e.what()));
        return false;
    }
}

void MainWindow::chooseSaveSession()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save session"), QString(), tr("Refractome session (*.json)"));
    QString error;
    if (!path.isEmpty() && !saveSession(path, &error))
        QMessageBox::warning(this, tr("Save session"), error);
}

void MainWindow::chooseLoadSession()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Load session"), QString(), tr("Refractome session (*.json)"));
    QString error;
    if (!path.isEmpty() && !loadSession(path, &error))
        QMessageBox::warning(this, tr("Load session"), error);
}

bool MainWindow::confirmCancelJob(const QString& action)
{
    if (!job_->running())
        return true;
    const auto answer = QMessageBox::question(
        this, tr("A job is running"),
        tr("%1 is still running. Cancel it and %2? Its result will be lost.").arg(job_->title(), action),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    return answer == QMessageBox::Yes;
}

bool MainWindow::confirmDiscardLayers(const QString& action, std::function<void()> retry)
{
    if (!unsavedLayers_ || !dataset_)
        return true;
    QMessageBox box(QMessageBox::Warning, tr("Unsaved layers"),
                    tr("Layers computed for %1 (prediction or segmentation) are not saved. Save them as a results "
                       "file before you %2?")
                        .arg(QFileInfo(path_).fileName(), action),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setDefaultButton(QMessageBox::Save);
    const int answer = box.exec();
    if (answer == QMessageBox::Discard)
        return true;
    if (answer == QMessageBox::Save) {
        const QString path = askResultsPath();
        if (!path.isEmpty() && confirmCancelJob(tr("save the results"))) {
            job_->cancel();
            job_->wait();
            startSaveResults(path, std::move(retry));
        }
    }
    return false;
}

QString MainWindow::askResultsPath()
{
    // Beside the open file by default: NAME_results.h5.
    const QFileInfo f(path_);
    return QFileDialog::getSaveFileName(this, tr("Save results"), f.dir().filePath(f.completeBaseName() + "_results.h5"),
                                        tr("Results HDF5 (*.h5)"));
}

void MainWindow::chooseSaveResults()
{
    if (!dataset_)
        return;
    if (job_->running()) {
        statusBar()->showMessage(tr("%1 is running; save the results when it has finished").arg(job_->title()));
        return;
    }
    const QString path = askResultsPath();
    if (!path.isEmpty())
        startSaveResults(path);
}

bool MainWindow::startSaveResults(const QString& path, std::function<void()> then)
{
    if (!dataset_ || job_->running())
        return false;
    if (QFileInfo(path).absoluteFilePath() == QFileInfo(path_).absoluteFilePath()) {
        // The dataset still reads frames from its file: replacing it under the reader would lose data.
        statusBar()->showMessage(tr("Choose another file name: %1 is the open file").arg(path));
        return false;
    }
    const DatasetPtr ds = dataset_;  // immutable: the worker writes exactly what is shown now
    const std::string target = path.toStdString();
    return job_->start(tr("Saving results"), [this, ds, target, path, then](const ProgressFn& progress,
                                                                           const CancelToken& cancel) {
        writeResults(target, *ds, {}, {}, progress, cancel);  // temporary file, renamed at the end
        return BackgroundJob::Commit([this, ds, path, then] {
            if (dataset_ == ds) {
                unsavedLayers_ = false;
                path_ = path;  // sessions now name the file that holds every layer
                setWindowTitle(QFileInfo(path).fileName() + " - Refractome");
            }
            addRecent(QFileInfo(path).absoluteFilePath());
            statusBar()->showMessage(tr("Saved results to %1").arg(path));
            if (then)
                then();
        });
    });
}

void MainWindow::closeEvent(QCloseEvent* e)
{
    // Every question first: an answer of "no" to a later one must not have cancelled the job.
    const bool jobRunning = job_->running();
    if (jobRunning && !confirmCancelJob(tr("close"))) {
        e->ignore();
        return;
    }
    if (profiling_->hasUnsavedResults() && !profiling_->confirmReplace()) {
        e->ignore();  // the user keeps the window to export the profiled table
        return;
    }
    if (!confirmDiscardLayers(tr("close"), [this] { close(); })) {
        e->ignore();  // cancelled, or closing again once the results are saved
        return;
    }
    if (jobRunning) {
        job_->cancel();
        job_->wait();
    }
    time_->setPlaying(false);
    e->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e)
{
    if (e->mimeData()->hasUrls())
        e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e)
{
    QStringList files;
    for (const QUrl& u : e->mimeData()->urls())
        if (u.isLocalFile())
            files << u.toLocalFile();
    if (files.isEmpty())
        return;
    e->acceptProposedAction();
    openFiles(files);
}

void MainWindow::openFiles(const QStringList& files)
{
    // One dataset per window: the first file here, each further one in a window of its own.
    for (int i = 0; i < files.size(); ++i) {
        MainWindow* target = this;
        if (i > 0) {
            target = new MainWindow;
            target->setAttribute(Qt::WA_DeleteOnClose);
            target->show();
        }
        QString error;
        if (files[i].endsWith(".json", Qt::CaseInsensitive)) {
            if (!target->loadSession(files[i], &error))
                QMessageBox::warning(target, tr("Cannot load session"), error);
        } else {
            target->openFile(files[i]);
        }
    }
}

} // namespace rfx::ui
