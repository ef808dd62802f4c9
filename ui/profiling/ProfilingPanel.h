#pragma once
// The profiling panel: the feature table (sort by clicking a header, filter rows and columns,
// units in the headers), and three plots of the same cells: the UMAP scatter coloured by a
// feature or by condition, box plots per condition with t-test marks against the control, and
// per-track time courses. One selection of cells is shared by the table, the plots and (through
// MainWindow) the highlight layer in the views. The data are immutable core objects
// (ProfilingResults); the panel only binds them to its models and plots.
#include <QJsonObject>
#include <QWidget>
#include <memory>
#include <vector>

#include "ui/profiling/ProfilingResults.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTabWidget;
class QTableView;

namespace rfx {
struct ConditionStats;
}

namespace rfx::ui {

class BackgroundJob;
class FeatureTableModel;
class FeatureFilterProxy;
class UmapScatterPlot;
class ConditionBoxPlot;
class TrackTimeCoursePlot;
class PlotCanvas;

class ProfilingPanel : public QWidget {
    Q_OBJECT
public:
    explicit ProfilingPanel(BackgroundJob* job, QWidget* parent = nullptr);

    // Shows new results (the selection is cleared); callers ask confirmReplace() first.
    void setResults(std::shared_ptr<const ProfilingResults> results);
    const std::shared_ptr<const ProfilingResults>& results() const { return results_; }
    // Profiled cells not yet exported to CSV.
    bool hasUnsavedResults() const { return unsaved_; }
    // Asks before unexported results would be replaced; true when they may go.
    bool confirmReplace();

    // Reads and embeds feature CSVs (e.g. from `refractome-cli profile`; several are combined)
    // through the job.
    bool openFeatureCsv(const QStringList& paths);
    // The current results when "add to table" is ticked: Profile cells then keeps their rows.
    std::shared_ptr<const ProfilingResults> appendTarget() const;
    // Rows that pass the filter, in the table's current order, all columns; plus a units sidecar.
    bool exportCsv(const QString& path, QString* error = nullptr);
    // The plot on the current tab as PNG, SVG or PDF (by extension).
    bool exportPlot(const QString& path, QString* error = nullptr);

    QString condition() const;
    QString feature() const;
    void setFeature(const QString& name);
    // "condition" or a feature name.
    QString colouring() const;
    void setColouring(const QString& by);
    bool setRowFilter(const QString& text, QString* error = nullptr);
    void setColumnFilter(const QString& text);
    void showPlot(int tab);  // 0 UMAP, 1 box plot, 2 time course
    PlotCanvas* currentPlot() const;

    // The one way the selection changes (table, plots, picking and tests all call it).
    void selectRows(std::vector<int> rows);
    const std::vector<int>& selectedRows() const { return selected_; }
    // Ids of the selected cells in `frame` of the file at `datasetPath` (rows of other files skipped).
    std::vector<int> selectedCells(std::size_t frame, const QString& datasetPath) const;
    // Selects the row of cell `cellId` in `frame` (a pick in the views); false when it has none.
    bool selectCell(std::size_t frame, int cellId, const QString& datasetPath);
    bool pickingEnabled() const;

    QJsonObject state() const;
    void restoreState(const QJsonObject& state);

    FeatureTableModel* model() const { return model_; }
    FeatureFilterProxy* proxy() const { return proxy_; }
    QTableView* tableView() const { return table_; }
    UmapScatterPlot* scatter() const { return scatter_; }
    ConditionBoxPlot* boxPlot() const { return box_; }
    TrackTimeCoursePlot* timeCourse() const { return course_; }

Q_SIGNALS:
    void profileRequested();
    void selectionChanged();

private:
    void chooseCsv();
    void chooseExportCsv();
    void chooseExportPlot();
    void refreshPlots();
    void refreshBoxPlot(const std::vector<int>& shown);
    void refreshTimeCourse(const std::vector<int>& shown);
    void refreshColours();
    void syncTableSelection();
    void onTableSelection();
    void updateCounts();
    bool rowFromDataset(std::size_t row, const QString& datasetPath) const;
    int column(const char* name) const;

    BackgroundJob* job_;
    std::shared_ptr<const ProfilingResults> results_;
    bool unsaved_ = false;
    std::vector<int> selected_;
    bool syncing_ = false;
    QJsonObject pendingState_;  // applied when the session's table has been read
    QStringList csvPaths_;      // where the table was read from or last exported to
    // Statistics of the rows last plotted (recomputed when the filter changes, not per feature).
    std::vector<int> statsRows_;
    std::shared_ptr<const ConditionStats> stats_;
    QString statsNote_;

    FeatureTableModel* model_;
    FeatureFilterProxy* proxy_;
    QTableView* table_;
    QLineEdit* conditionEdit_;
    QComboBox* featureBox_;
    QComboBox* colourBox_;
    QLineEdit* rowFilter_;
    QLineEdit* columnFilter_;
    QLabel* counts_;
    QLabel* origin_;
    QCheckBox* pick_;
    QCheckBox* append_;
    QTabWidget* tabs_;
    UmapScatterPlot* scatter_;
    ConditionBoxPlot* box_;
    TrackTimeCoursePlot* course_;
};

} // namespace rfx::ui
