#include "ui/profiling/ProfilingPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "core/analysis/ConditionStats.h"
#include "core/io/CsvWriter.h"
#include "core/profiling/FeatureCatalog.h"
#include "ui/BackgroundJob.h"
#include "ui/profiling/ConditionBoxPlot.h"
#include "ui/profiling/FeatureFilterProxy.h"
#include "ui/profiling/FeatureTableModel.h"
#include "ui/profiling/ProfilingTask.h"
#include "ui/profiling/TrackTimeCoursePlot.h"
#include "ui/profiling/UmapScatterPlot.h"

namespace rfx::ui {

namespace {

const char* kCondition = "condition";

QPushButton* button(const QString& text, const QString& name, QWidget* parent)
{
    auto* b = new QPushButton(text, parent);
    b->setObjectName(name);
    return b;
}

} // namespace

ProfilingPanel::ProfilingPanel(BackgroundJob* job, QWidget* parent) : QWidget(parent), job_(job)
{
    setObjectName("profilingPanel");
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(4, 4, 4, 4);

    auto* actions = new QHBoxLayout;
    auto* profile = button(tr("Profile cells"), "profileButton", this);
    profile->setToolTip(tr("Segment, measure the 65 features and track every cell of the open dataset "
                           "(needs RI and the six fluorescence channels), then embed them with UMAP"));
    auto* open = button(tr("Open table..."), "openTableButton", this);
    auto* exportCsv = button(tr("Export table..."), "exportTableButton", this);
    auto* exportPlot = button(tr("Export plot..."), "exportPlotButton", this);
    conditionEdit_ = new QLineEdit("control", this);
    conditionEdit_->setObjectName("conditionEdit");
    conditionEdit_->setToolTip(tr("Condition written into the condition column of the profiled cells"));
    conditionEdit_->setMaximumWidth(110);
    actions->addWidget(profile);
    actions->addWidget(new QLabel(tr("condition:"), this));
    actions->addWidget(conditionEdit_);
    append_ = new QCheckBox(tr("add to table"), this);
    append_->setObjectName("appendToTable");
    append_->setToolTip(tr("Keep the rows already in the table and add the newly profiled cells "
                           "(e.g. a second condition), then embed all rows together"));
    actions->addWidget(append_);
    actions->addWidget(open);
    actions->addStretch(1);
    column->addLayout(actions);

    origin_ = new QLabel(tr("No cells yet: Profile cells on the open dataset, or open a feature table (CSV)."), this);
    origin_->setObjectName("profilingOrigin");
    origin_->setWordWrap(true);
    column->addWidget(origin_);

    auto* choose = new QHBoxLayout;
    featureBox_ = new QComboBox(this);
    featureBox_->setObjectName("featureBox");
    featureBox_->setMinimumContentsLength(16);
    colourBox_ = new QComboBox(this);
    colourBox_->setObjectName("colourBox");
    colourBox_->setMinimumContentsLength(16);
    pick_ = new QCheckBox(tr("Pick cells in the views"), this);
    pick_->setObjectName("pickCells");
    pick_->setChecked(true);
    pick_->setToolTip(tr("A click on a cell in a slice view or the 3D view selects its row and point"));
    choose->addWidget(new QLabel(tr("Feature:"), this));
    choose->addWidget(featureBox_, 1);
    choose->addWidget(new QLabel(tr("UMAP colour:"), this));
    choose->addWidget(colourBox_, 1);
    column->addLayout(choose);

    auto* split = new QSplitter(Qt::Vertical, this);
    tabs_ = new QTabWidget(split);
    tabs_->setObjectName("plotTabs");
    scatter_ = new UmapScatterPlot(tabs_);
    box_ = new ConditionBoxPlot(tabs_);
    course_ = new TrackTimeCoursePlot(tabs_);
    tabs_->addTab(scatter_, tr("UMAP"));
    tabs_->addTab(box_, tr("Box plot"));
    tabs_->addTab(course_, tr("Time course"));
    tabs_->setCornerWidget(exportPlot, Qt::TopRightCorner);

    auto* tablePart = new QWidget(split);
    auto* tableColumn = new QVBoxLayout(tablePart);
    tableColumn->setContentsMargins(0, 0, 0, 0);
    auto* filters = new QHBoxLayout;
    rowFilter_ = new QLineEdit(tablePart);
    rowFilter_->setObjectName("rowFilter");
    rowFilter_->setPlaceholderText(tr("Filter cells: text, or e.g. cell_volume > 800 and condition = treated"));
    rowFilter_->setClearButtonEnabled(true);
    columnFilter_ = new QLineEdit(tablePart);
    columnFilter_->setObjectName("columnFilter");
    columnFilter_->setPlaceholderText(tr("Feature columns containing..."));
    columnFilter_->setClearButtonEnabled(true);
    columnFilter_->setMaximumWidth(220);
    counts_ = new QLabel(tablePart);
    counts_->setObjectName("profilingCounts");
    filters->addWidget(rowFilter_, 2);
    filters->addWidget(columnFilter_, 1);
    tableColumn->addLayout(filters);
    auto* status = new QHBoxLayout;
    status->addWidget(counts_, 1);
    status->addWidget(pick_);
    status->addWidget(exportCsv);
    tableColumn->addLayout(status);
    model_ = new FeatureTableModel(this);
    proxy_ = new FeatureFilterProxy(model_, this);
    table_ = new QTableView(tablePart);
    table_->setObjectName("featureTable");
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(-1, Qt::AscendingOrder);  // file order until a header is clicked
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setAlternatingRowColors(true);
    table_->verticalHeader()->setDefaultSectionSize(22);
    table_->horizontalHeader()->setDefaultSectionSize(110);
    tableColumn->addWidget(table_, 1);
    split->addWidget(tabs_);
    split->addWidget(tablePart);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({560, 380});  // the plots get the larger share
    column->addWidget(split, 1);

    connect(profile, &QPushButton::clicked, this, [this] { Q_EMIT profileRequested(); });
    connect(open, &QPushButton::clicked, this, [this] { chooseCsv(); });
    connect(exportCsv, &QPushButton::clicked, this, [this] { chooseExportCsv(); });
    connect(exportPlot, &QPushButton::clicked, this, [this] { chooseExportPlot(); });
    connect(featureBox_, &QComboBox::currentIndexChanged, this, [this] {
        refreshBoxPlot(proxy_->acceptedRows());
        refreshTimeCourse(proxy_->acceptedRows());
    });
    connect(colourBox_, &QComboBox::currentIndexChanged, this, [this] { refreshColours(); });
    connect(rowFilter_, &QLineEdit::editingFinished, this, [this] {
        QString error;
        if (!setRowFilter(rowFilter_->text(), &error))
            origin_->setText(tr("Filter not applied: %1").arg(error));
    });
    connect(columnFilter_, &QLineEdit::textChanged, this, [this](const QString& t) { setColumnFilter(t); });
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { onTableSelection(); });
    connect(scatter_, &UmapScatterPlot::selectionEdited, this, [this](const std::vector<int>& rows) { selectRows(rows); });
    // Nothing to export before there is a table; no second job while one runs.
    auto enable = [this, profile, open, exportCsv, exportPlot] {
        const bool busy = job_ && job_->running();
        profile->setEnabled(!busy);
        open->setEnabled(!busy);
        exportCsv->setEnabled(results_ != nullptr);
        exportPlot->setEnabled(results_ != nullptr);
    };
    if (job_) {
        connect(job_, &BackgroundJob::started, this, enable);
        connect(job_, &BackgroundJob::finished, this, enable);
        connect(job_, &BackgroundJob::failed, this, enable);
        connect(job_, &BackgroundJob::cancelled, this, enable);
    }
    connect(this, &ProfilingPanel::selectionChanged, this, enable);
    connect(model_, &QAbstractItemModel::modelReset, this, enable);
    enable();
    updateCounts();
}

int ProfilingPanel::column(const char* name) const
{
    return results_ ? results_->table->columnIndex(name) : -1;
}

void ProfilingPanel::setResults(std::shared_ptr<const ProfilingResults> results)
{
    results_ = std::move(results);
    unsaved_ = results_ && results_->files.isEmpty();
    csvPaths_ = results_ ? results_->files : QStringList();
    selected_.clear();
    stats_.reset();
    statsRows_.clear();
    model_->setTable(results_ ? results_->table : nullptr,
                    results_ ? results_->units : std::map<std::string, std::string>{});
    const QString oldFeature = feature(), oldColour = colouring();
    {
        const QSignalBlocker b1(featureBox_), b2(colourBox_);
        featureBox_->clear();
        colourBox_->clear();
        if (results_) {
            const FeatureTable& t = *results_->table;
            if (t.columnIndex(kCondition) >= 0)
                colourBox_->addItem(tr("condition"), QString(kCondition));
            for (std::size_t c : t.featureColumns()) {
                const QString name = QString::fromStdString(t.columns()[c]);
                const QString unit = model_->unitOf(int(c));
                const QString label = unit.isEmpty() ? name : QString("%1 (%2)").arg(name, unit);
                featureBox_->addItem(label, name);
                colourBox_->addItem(label, name);
            }
        }
    }
    // Keep the user's choices across tables; otherwise start with cell volume and the conditions.
    setFeature(featureBox_->findData(oldFeature) >= 0 ? oldFeature : QString("cell_volume"));
    setColouring(colourBox_->findData(oldColour) >= 0 ? oldColour : QString(kCondition));
    if (!results_) {
        origin_->setText(tr("No cells yet."));
    } else {
        const FeatureTable& t = *results_->table;
        QString text = tr("%1: %2 rows (cells x frames), %3 features").arg(results_->origin).arg(t.rowCount()).arg(t.featureColumns().size());
        if (!results_->embeddingNote.isEmpty())
            text += " - " + results_->embeddingNote;
        if (unsaved_)
            text += tr(" - not saved yet (Export table)");
        origin_->setText(text);
    }
    table_->resizeColumnsToContents();
    if (results_)
        for (std::size_t c : results_->table->featureColumns())
            table_->setColumnWidth(int(c), std::min(table_->columnWidth(int(c)), 150));
    refreshPlots();
    if (!pendingState_.isEmpty()) {
        const QJsonObject s = pendingState_;
        pendingState_ = {};
        restoreState(s);
    }
    Q_EMIT selectionChanged();
}

bool ProfilingPanel::confirmReplace()
{
    if (!unsaved_)
        return true;
    const auto answer = QMessageBox::question(
        this, tr("Profiling results not saved"),
        tr("The profiled table (%1 rows) has not been exported and would be lost. Export it first?")
            .arg(results_->table->rowCount()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        chooseExportCsv();
    return answer == QMessageBox::Discard || (answer == QMessageBox::Save && !unsaved_);
}

bool ProfilingPanel::openFeatureCsv(const QStringList& paths)
{
    if (paths.isEmpty() || !job_ || job_->running() || !confirmReplace())
        return false;
    std::vector<std::string> files;
    for (const QString& p : paths)
        files.push_back(p.toStdString());
    auto commit = [this](std::shared_ptr<const ProfilingResults> r) { setResults(std::move(r)); };
    return job_->start(tr("Reading feature table"), makeFeatureCsvWork(std::move(files), UmapParams{}, commit));
}

std::shared_ptr<const ProfilingResults> ProfilingPanel::appendTarget() const
{
    return append_->isChecked() ? results_ : nullptr;
}

bool ProfilingPanel::exportCsv(const QString& path, QString* error)
{
    auto fail = [&](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    if (!results_)
        return fail(tr("no feature table to export"));
    std::vector<int> rows;
    for (int i = 0; i < proxy_->rowCount(); ++i)
        rows.push_back(proxy_->mapToSource(proxy_->index(i, 0)).row());
    if (rows.empty())
        return fail(tr("no rows pass the filter"));
    try {
        const FeatureTable out = model_->subset(rows);
        // The sidecar as `profile` writes it: unit, compartment and definition of every column.
        std::map<std::string, const FeatureSpec*> specs;
        for (const FeatureSpec& f : featureCatalog())
            specs[f.name] = &f;
        CsvWriter units({"column", "unit", "compartment", "definition"});
        for (const std::string& c : out.columns()) {
            const auto it = specs.find(c);
            units.addRow({c, model_->unitOf(c).toStdString(), it != specs.end() ? it->second->compartment : "identifier",
                          it != specs.end() ? it->second->definition : ""});
        }
        const std::filesystem::path p(path.toStdString());
        out.save(p.string());
        units.save((p.parent_path() / (p.stem().string() + ".units.csv")).string());
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    // Only the whole table counts as saved: rows hidden by the filter were not written.
    const bool whole = static_cast<int>(rows.size()) == model_->rowCount();
    if (whole) {
        unsaved_ = false;
        csvPaths_ = QStringList{path};
    }
    origin_->setText(whole ? tr("Exported %1 rows to %2").arg(rows.size()).arg(path)
                           : tr("Exported %1 of %2 rows (filtered) to %3; the table is not saved whole")
                                 .arg(rows.size())
                                 .arg(model_->rowCount())
                                 .arg(path));
    return true;
}

PlotCanvas* ProfilingPanel::currentPlot() const
{
    return qobject_cast<PlotCanvas*>(tabs_->currentWidget());
}

bool ProfilingPanel::exportPlot(const QString& path, QString* error)
{
    if (!results_) {
        if (error)
            *error = tr("no plot to export");
        return false;
    }
    return currentPlot()->exportTo(path, error);
}

void ProfilingPanel::chooseCsv()
{
    // Several files (e.g. one per condition) are combined into one table.
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Open feature tables"), QString(),
                                                            tr("Feature tables (*.csv)"));
    if (!paths.isEmpty())
        openFeatureCsv(paths);
}

void ProfilingPanel::chooseExportCsv()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Export feature table"), csvPaths_.value(0), tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(".csv", Qt::CaseInsensitive))
        path += ".csv";
    QString error;
    if (!exportCsv(path, &error))
        QMessageBox::warning(this, tr("Export feature table"), error);
}

void ProfilingPanel::chooseExportPlot()
{
    QString selectedFilter;
    QString path = QFileDialog::getSaveFileName(this, tr("Export plot"), QString(),
                                                tr("SVG (*.svg);;PDF (*.pdf);;PNG (*.png)"), &selectedFilter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += "." + selectedFilter.section("*.", 1).section(')', 0, 0);
    QString error;
    if (!exportPlot(path, &error))
        QMessageBox::warning(this, tr("Export plot"), error);
}

QString ProfilingPanel::condition() const
{
    const QString c = conditionEdit_->text().trimmed();
    return c.isEmpty() ? QString("control") : c;
}

QString ProfilingPanel::feature() const { return featureBox_->currentData().toString(); }

void ProfilingPanel::setFeature(const QString& name)
{
    const int i = featureBox_->findData(name);
    featureBox_->setCurrentIndex(i >= 0 ? i : (featureBox_->count() ? 0 : -1));
}

QString ProfilingPanel::colouring() const { return colourBox_->currentData().toString(); }

void ProfilingPanel::setColouring(const QString& by)
{
    const int i = colourBox_->findData(by);
    colourBox_->setCurrentIndex(i >= 0 ? i : (colourBox_->count() ? 0 : -1));
}

bool ProfilingPanel::setRowFilter(const QString& text, QString* error)
{
    if (!proxy_->setRowFilter(text, error))
        return false;
    if (rowFilter_->text() != text)
        rowFilter_->setText(text);
    refreshPlots();
    syncTableSelection();
    return true;
}

void ProfilingPanel::setColumnFilter(const QString& text)
{
    proxy_->setColumnFilter(text);
    if (columnFilter_->text() != text)
        columnFilter_->setText(text);
}

void ProfilingPanel::showPlot(int tab) { tabs_->setCurrentIndex(std::clamp(tab, 0, tabs_->count() - 1)); }

void ProfilingPanel::refreshPlots()
{
    const std::vector<int> shown = proxy_->acceptedRows();
    if (!results_) {
        scatter_->setMessage({});
    } else if (results_->embedding.rows() == 0) {
        scatter_->setMessage(results_->embeddingNote);
    } else {
        std::vector<QPointF> xy;
        for (Eigen::Index r = 0; r < results_->embedding.rows(); ++r)
            xy.emplace_back(results_->embedding(r, 0), results_->embedding(r, 1));
        scatter_->setPoints(std::move(xy), shown);
        scatter_->setSelection(selected_);
    }
    refreshColours();
    refreshBoxPlot(shown);
    refreshTimeCourse(shown);
    updateCounts();
}

void ProfilingPanel::refreshColours()
{
    if (!results_)
        return;
    const FeatureTable& t = *results_->table;
    const QString by = colouring();
    const int c = t.columnIndex(by.toStdString());
    if (c < 0)
        return;
    if (t.isFeature(std::size_t(c))) {
        scatter_->setNumericColours(t.values(std::size_t(c)), by, model_->unitOf(c));
        return;
    }
    // Categories in order of first appearance (the control usually first, as in the box plot).
    std::vector<int> category;
    QStringList names;
    for (const std::string& v : t.textColumn(std::size_t(c))) {
        const QString s = QString::fromStdString(v);
        int i = int(names.indexOf(s));
        if (i < 0) {
            i = int(names.size());
            names << s;
        }
        category.push_back(i);
    }
    scatter_->setCategoricalColours(std::move(category), names);
}

void ProfilingPanel::refreshBoxPlot(const std::vector<int>& shown)
{
    const int f = results_ ? column(feature().toStdString().c_str()) : -1;
    if (f < 0 || shown.empty()) {
        box_->setData({}, {}, {}, {});
        return;
    }
    const FeatureTable& t = *results_->table;
    const int cond = column(kCondition);
    std::vector<ConditionGroup> groups;
    std::map<std::string, std::size_t> index;
    for (int r : shown) {
        const std::string g = cond >= 0 ? t.cell(std::size_t(r), std::size_t(cond)) : std::string("all cells");
        auto [it, added] = index.emplace(g, groups.size());
        if (added)
            groups.push_back({QString::fromStdString(g), {}, {}, {}, NAN});
        groups[it->second].values.push_back(t.values(std::size_t(f))[std::size_t(r)]);
        groups[it->second].rows.push_back(r);
    }
    // Core's statistics of exactly the plotted rows, so marks and boxes describe the same cells.
    if (statsRows_ != shown || (!stats_ && statsNote_.isEmpty())) {
        statsRows_ = shown;
        stats_.reset();
        statsNote_.clear();
        if (cond < 0 || groups.size() < 2) {
            statsNote_ = tr("One condition: no tests (open a table with several conditions to compare them)");
        } else {
            try {
                stats_ = std::make_shared<const ConditionStats>(compareConditions(model_->subset(shown), kCondition));
            } catch (const std::exception& e) {
                statsNote_ = tr("No tests: %1").arg(QString::fromStdString(e.what()));
            }
        }
    }
    QString note = statsNote_;
    if (stats_) {
        const std::string name = t.columns()[std::size_t(f)];
        for (auto& g : groups) {
            if (g.name.toStdString() == stats_->control)
                continue;
            g.mark = "n/a";
            for (const StatsRow& s : stats_->rows)
                if (s.feature == name && s.test == "t_welch" && s.group == g.name.toStdString()) {
                    g.pAdj = s.pAdj;
                    g.mark = significanceMark(s.pAdj);
                }
        }
        // The control first, as readers expect.
        std::stable_partition(groups.begin(), groups.end(), [](const auto& g) { return g.mark.isEmpty(); });
        note = tr("Welch t-test vs %1, BH-adjusted over all features: * p<0.05  ** p<0.01  *** p<0.001")
                   .arg(QString::fromStdString(stats_->control));
    }
    box_->setData(std::move(groups), QString::fromStdString(t.columns()[std::size_t(f)]), model_->unitOf(f), note);
    box_->setSelection(selected_);
}

void ProfilingPanel::refreshTimeCourse(const std::vector<int>& shown)
{
    const int f = results_ ? column(feature().toStdString().c_str()) : -1;
    const int track = column("track_id"), time = column("time_s"), source = column("source_file"),
              cond = column(kCondition);
    if (f < 0 || track < 0 || time < 0) {
        course_->setData({}, {}, {}, results_ ? tr("The table has no track_id or time_s column") : QString());
        return;
    }
    const FeatureTable& t = *results_->table;
    std::map<std::pair<std::string, std::string>, TrackSeries> byTrack;
    std::set<std::string> times;
    for (int r : shown) {
        const auto row = std::size_t(r);
        const std::string key = t.cell(row, std::size_t(track));
        TrackSeries& s = byTrack[{source >= 0 ? t.cell(row, std::size_t(source)) : std::string(), key}];
        s.trackId = QString::fromStdString(key).toInt();
        if (cond >= 0)
            s.label = QString::fromStdString(t.cell(row, std::size_t(cond)));
        s.times_s.push_back(QString::fromStdString(t.cell(row, std::size_t(time))).toDouble());
        s.values.push_back(t.values(std::size_t(f))[row]);
        s.rows.push_back(r);
        times.insert(t.cell(row, std::size_t(time)));
    }
    std::vector<TrackSeries> tracks;
    for (auto& [key, s] : byTrack) {
        std::vector<std::size_t> order(s.times_s.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return s.times_s[a] < s.times_s[b]; });
        // Track ids repeat across files: name the condition too when there are several.
        TrackSeries sorted{s.trackId, s.label, {}, {}, {}};
        for (std::size_t i : order) {
            sorted.times_s.push_back(s.times_s[i]);
            sorted.values.push_back(s.values[i]);
            sorted.rows.push_back(s.rows[i]);
        }
        tracks.push_back(std::move(sorted));
    }
    std::set<QString> conditions;
    for (const auto& series : tracks)
        conditions.insert(series.label);
    for (auto& series : tracks)
        series.label = conditions.size() > 1 ? tr("%1: track %2").arg(series.label).arg(series.trackId) : QString();
    if (times.size() < 2) {
        course_->setData({}, {}, {}, tr("One time point: time courses need a time-lapse"));
        return;
    }
    course_->setData(std::move(tracks), QString::fromStdString(t.columns()[std::size_t(f)]), model_->unitOf(f),
                     tr("Tracks of the selected cells in colour, the others grey"));
    course_->setSelection(selected_);
}

void ProfilingPanel::selectRows(std::vector<int> rows)
{
    const int n = model_->rowCount();
    rows.erase(std::remove_if(rows.begin(), rows.end(), [n](int r) { return r < 0 || r >= n; }), rows.end());
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    if (rows == selected_)
        return;
    selected_ = std::move(rows);
    scatter_->setSelection(selected_);
    box_->setSelection(selected_);
    course_->setSelection(selected_);
    syncTableSelection();
    updateCounts();
    Q_EMIT selectionChanged();
}

void ProfilingPanel::syncTableSelection()
{
    syncing_ = true;
    QItemSelection sel;
    QModelIndex first;
    for (int r : selected_) {
        const QModelIndex i = proxy_->mapFromSource(model_->index(r, 0));
        if (!i.isValid())
            continue;
        sel.select(i, i);
        if (!first.isValid() || i.row() < first.row())
            first = i;
    }
    table_->selectionModel()->select(sel, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (first.isValid())
        table_->scrollTo(first);
    syncing_ = false;
}

void ProfilingPanel::onTableSelection()
{
    if (syncing_)
        return;
    std::vector<int> rows;
    for (const QModelIndex& i : table_->selectionModel()->selectedRows())
        rows.push_back(proxy_->mapToSource(i).row());
    selectRows(std::move(rows));
}

void ProfilingPanel::updateCounts()
{
    counts_->setText(results_ ? tr("%1 of %2 rows shown, %3 selected")
                                    .arg(proxy_->rowCount())
                                    .arg(model_->rowCount())
                                    .arg(selected_.size())
                              : QString());
}

bool ProfilingPanel::rowFromDataset(std::size_t row, const QString& datasetPath) const
{
    const int source = column("source_file");
    if (source < 0)
        return true;
    const QString s = QString::fromStdString(results_->table->cell(row, std::size_t(source)));
    // Same file, or the same name when a table made elsewhere is viewed next to its tomogram.
    return s == datasetPath || QFileInfo(s).fileName() == QFileInfo(datasetPath).fileName();
}

std::vector<int> ProfilingPanel::selectedCells(std::size_t frame, const QString& datasetPath) const
{
    std::vector<int> ids;
    const int fc = column("frame"), cc = column("cell_id");
    if (fc < 0 || cc < 0)
        return ids;
    for (int r : selected_) {
        const auto row = std::size_t(r);
        if (rowFromDataset(row, datasetPath) &&
            QString::fromStdString(results_->table->cell(row, std::size_t(fc))).toULongLong() == frame)
            ids.push_back(QString::fromStdString(results_->table->cell(row, std::size_t(cc))).toInt());
    }
    return ids;
}

bool ProfilingPanel::selectCell(std::size_t frame, int cellId, const QString& datasetPath)
{
    const int fc = column("frame"), cc = column("cell_id");
    if (fc < 0 || cc < 0 || cellId <= 0)
        return false;
    const FeatureTable& t = *results_->table;
    for (std::size_t r = 0; r < t.rowCount(); ++r)
        if (QString::fromStdString(t.cell(r, std::size_t(cc))).toInt() == cellId &&
            QString::fromStdString(t.cell(r, std::size_t(fc))).toULongLong() == frame && rowFromDataset(r, datasetPath)) {
            selectRows({int(r)});
            return true;
        }
    return false;
}

bool ProfilingPanel::pickingEnabled() const { return pick_->isChecked() && results_; }

QJsonObject ProfilingPanel::state() const
{
    QJsonObject s;
    s["feature"] = feature();
    s["colour_by"] = colouring();
    s["plot"] = tabs_->currentIndex();
    s["row_filter"] = proxy_->rowFilter();
    s["column_filter"] = proxy_->columnFilter();
    s["condition"] = condition();
    s["pick_cells"] = pick_->isChecked();
    QJsonArray tables;
    for (const QString& p : csvPaths_)
        tables.append(QFileInfo(p).absoluteFilePath());
    if (!tables.isEmpty())
        s["tables"] = tables;
    return s;
}

void ProfilingPanel::restoreState(const QJsonObject& s)
{
    QStringList tables, current;
    for (const auto& v : s.value("tables").toArray())
        tables << v.toString();
    for (const QString& p : csvPaths_)
        current << QFileInfo(p).absoluteFilePath();
    const bool allThere = std::all_of(tables.begin(), tables.end(), [](const QString& p) { return QFileInfo::exists(p); });
    if (!tables.isEmpty() && tables != current && allThere && openFeatureCsv(tables)) {
        pendingState_ = s;  // the rest once the tables are read
        return;
    }
    conditionEdit_->setText(s.value("condition").toString("control"));
    pick_->setChecked(s.value("pick_cells").toBool(true));
    setFeature(s.value("feature").toString());
    setColouring(s.value("colour_by").toString());
    showPlot(s.value("plot").toInt());
    setColumnFilter(s.value("column_filter").toString());
    setRowFilter(s.value("row_filter").toString());
}

} // namespace rfx::ui
