// The profiling panel in a real window: two synthetic time-lapses (control and treated, written
// without cell labels so the GUI segments them) are profiled through the background job; the
// table, sorting and filtering, the UMAP selection linked to the table and to the highlighted
// cells in the views, picking a cell in a slice view, the box plots' marks against core's
// statistics, time courses, CSV/PNG/SVG/PDF export and the session are checked. Screenshots of
// the panel are saved beside the binary.
#include <QApplication>
#include <QCheckBox>
#include <QDockWidget>
#include <QFile>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLineEdit>
#include <QTableView>
#include <QXmlStreamReader>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include "GuiTestSupport.h"
#include "core/analysis/ConditionStats.h"
#include "core/io/ResultsWriter.h"
#include "core/profiling/DatasetProfiler.h"
#include "core/profiling/FeatureCatalog.h"
#include "core/synth/CellFieldGenerator.h"
#include "tests/support/TempDir.h"
#include "ui/BackgroundJob.h"
#include "ui/LayerModel.h"
#include "render/BlendCache.h"
#include "ui/FramePrefetcher.h"
#include "ui/MainWindow.h"
#include "ui/ViewerWidget.h"
#include "ui/VtkViewWidget.h"
#include "ui/profiling/ConditionBoxPlot.h"
#include "ui/profiling/FeatureFilterProxy.h"
#include "ui/profiling/FeatureTableModel.h"
#include "ui/profiling/ProfilingPanel.h"
#include "ui/profiling/TrackTimeCoursePlot.h"
#include "ui/profiling/UmapScatterPlot.h"

using namespace rfx;
using rfx::test::screenshotPath;

namespace {

// A small synthetic time-lapse with every channel except the label volumes.
std::string writeField(const test::TempDir& dir, const std::string& condition)
{
    CellFieldParams p;
    p.shape = {32, 160, 160};
    p.cells = 3;
    p.frames = 3;
    p.seed = 21;
    p.condition = condition;
    const DatasetPtr ds = toDataset(generateCellField(p));
    std::vector<std::size_t> keep;
    for (std::size_t c = 0; c < ds->channelCount(); ++c)
        if (ds->channel(c).role != ChannelRole::Labels)
            keep.push_back(c);
    const std::string path = dir.file(condition + ".h5");
    writeResults(path, *ds, keep);
    return path;
}

bool waitForJob(ui::MainWindow& w, int timeoutMs = 300000)
{
    QSignalSpy finished(w.job(), &ui::BackgroundJob::finished);
    QSignalSpy failed(w.job(), &ui::BackgroundJob::failed);
    QElapsedTimer clock;
    clock.start();
    while (w.job()->running() && clock.elapsed() < timeoutMs)
        QTest::qWait(50);
    QTest::qWait(50);  // the commit arrives through the event loop
    if (!failed.isEmpty())
        qWarning() << "job failed:" << failed.front().at(1).toString();
    return !w.job()->running() && failed.isEmpty();
}

void sendMouse(QWidget* w, QEvent::Type type, const QPointF& pos, Qt::MouseButtons buttons)
{
    QMouseEvent e(type, pos, w->mapToGlobal(pos), Qt::LeftButton, buttons, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

std::vector<int> tableSelection(ui::ProfilingPanel* panel)
{
    std::vector<int> rows;
    for (const QModelIndex& i : panel->tableView()->selectionModel()->selectedRows())
        rows.push_back(panel->proxy()->mapToSource(i).row());
    std::sort(rows.begin(), rows.end());
    return rows;
}

std::string fileText(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll().toStdString();
}

} // namespace

class ProfilingPanelTest : public QObject {
    Q_OBJECT
    test::TempDir dir_;
    std::string control_, treated_;
    QString controlCsv_, treatedCsv_, bothCsv_;

private Q_SLOTS:
    void initTestCase()
    {
        control_ = writeField(dir_, "control");
        treated_ = writeField(dir_, "treated");
    }

    void profilesTheOpenDatasetThroughTheJob()
    {
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, QString::fromStdString(control_), {1800, 1000}));
        QVERIFY(w.layers()->indexOf("cell_labels") < 0);
        ui::ProfilingPanel* panel = w.profilingPanel();
        QSignalSpy progress(w.job(), &ui::BackgroundJob::progress);
        QElapsedTimer clock;
        clock.start();
        QVERIFY(w.startProfiling());
        QVERIFY(!w.startProfiling());  // one job at a time
        QVERIFY(waitForJob(w));
        qInfo() << "profiled 3 frames in" << clock.elapsed() << "ms";
        QVERIFY(progress.count() >= 2);

        // The cells the GUI segmented became a label layer with one frame per time point.
        const int labels = w.layers()->indexOf("cell_labels");
        QVERIFY(labels >= 0);
        QCOMPARE(w.dataset()->channel(w.layers()->layer(labels).channel).frames(), std::size_t(3));

        // The table holds exactly what core's profiler gives for the file (the CLI's `profile`).
        ProfileInputs in;
        in.files = {control_};
        const ProfileResult core = profileFiles(in);
        const auto& table = *panel->results()->table;
        QCOMPARE(table.rowCount(), core.rows.size());
        QVERIFY(table.rowCount() >= 6);
        QCOMPARE(table.columns(), featureTableHeader());
        QCOMPARE(table.featureColumns().size(), featureCatalog().size());
        QCOMPARE(featureCatalog().size(), std::size_t(65));
        const int vol = table.columnIndex("cell_volume");
        QVERIFY(vol >= 0);
        const std::size_t volFeature = std::size_t(vol) - (featureTableHeader().size() - featureCatalog().size());
        const double coreVolume = core.rows[0].features[volFeature];  // CSV keeps 10 significant digits
        QVERIFY(std::abs(table.values(std::size_t(vol))[0] - coreVolume) <= 1e-9 * std::abs(coreVolume));
        for (std::size_t k = 0; k < featureCatalog().size(); ++k) {
            const int c = table.columnIndex(featureCatalog()[k].name);
            const QString header = panel->model()->headerData(c, Qt::Horizontal).toString();
            const QString unit = QString::fromUtf8(featureCatalog()[k].unit);
            QVERIFY2(unit.isEmpty() || header.endsWith("[" + unit + "]"), qPrintable(header));
        }
        QVERIFY(panel->model()->headerData(table.columnIndex("time_s"), Qt::Horizontal).toString().endsWith("[s]"));
        QCOMPARE(panel->results()->embedding.rows(), Eigen::Index(table.rowCount()));
        QVERIFY(panel->hasUnsavedResults());

        // Sorting by a feature column orders the rows by value.
        panel->tableView()->sortByColumn(vol, Qt::DescendingOrder);
        for (int r = 1; r < panel->proxy()->rowCount(); ++r)
            QVERIFY(panel->proxy()->index(r - 1, vol).data(Qt::UserRole).toDouble() >=
                    panel->proxy()->index(r, vol).data(Qt::UserRole).toDouble());

        // Filtering: conditions on columns, free text, bad conditions refused, column filter.
        std::vector<double> v = table.values(std::size_t(vol));
        std::sort(v.begin(), v.end());
        const double median = v[v.size() / 2];
        QVERIFY(panel->setRowFilter(QString("cell_volume > %1").arg(median, 0, 'g', 17)));
        QCOMPARE(std::size_t(panel->proxy()->rowCount()),
                 std::size_t(std::count_if(v.begin(), v.end(), [&](double x) { return x > median; })));
        QVERIFY(panel->setRowFilter("frame = 1, cell_volume > 0"));
        int frame1 = 0;
        for (std::size_t r = 0; r < table.rowCount(); ++r)
            frame1 += table.cell(r, std::size_t(table.columnIndex("frame"))) == "1";
        QCOMPARE(panel->proxy()->rowCount(), frame1);
        QVERIFY(panel->setRowFilter("treated"));
        QCOMPARE(panel->proxy()->rowCount(), 0);
        QString error;
        QVERIFY(!panel->setRowFilter("no_such_column > 3", &error));
        QVERIFY(error.contains("no_such_column"));
        QVERIFY(panel->setRowFilter(""));
        QCOMPARE(panel->proxy()->rowCount(), int(table.rowCount()));
        panel->setColumnFilter("nucleoli");
        int nucleoliFeatures = 0;
        for (const auto& f : featureCatalog())
            nucleoliFeatures += QString(f.name).contains("nucleoli");
        QVERIFY(nucleoliFeatures > 0);
        QCOMPARE(panel->proxy()->columnCount(), int(table.nonFeatureColumns().size()) + nucleoliFeatures);
        panel->setColumnFilter("");

        // Clicking a UMAP point selects its row in the table and highlights the cell in the views.
        panel->showPlot(0);
        QTest::qWait(100);
        ui::UmapScatterPlot* scatter = panel->scatter();
        const int frameCol = table.columnIndex("frame"), idCol = table.columnIndex("cell_id");
        int row0 = -1;
        for (std::size_t r = 0; r < table.rowCount() && row0 < 0; ++r)
            if (table.cell(r, std::size_t(frameCol)) == "0")
                row0 = int(r);
        QVERIFY(row0 >= 0);
        const QPointF at = scatter->pixelOf(row0);
        sendMouse(scatter, QEvent::MouseButtonPress, at, Qt::LeftButton);
        sendMouse(scatter, QEvent::MouseButtonRelease, at, Qt::NoButton);
        QCOMPARE(panel->selectedRows().size(), std::size_t(1));
        const int clicked = panel->selectedRows().front();
        QVERIFY(QLineF(scatter->pixelOf(clicked), at).length() < 1e-6 || clicked == row0);
        QCOMPARE(tableSelection(panel), panel->selectedRows());

        // A lasso around every frame-0 point selects those (and only points inside it).
        QPolygonF lasso;
        const QRectF all = QRectF(scatter->rect()).adjusted(2, 2, -2, -2);
        lasso << all.topLeft() << all.topRight() << all.bottomRight() << all.bottomLeft();
        sendMouse(scatter, QEvent::MouseButtonPress, lasso[0], Qt::LeftButton);
        for (int i = 1; i < lasso.size(); ++i)
            sendMouse(scatter, QEvent::MouseMove, lasso[i], Qt::LeftButton);
        sendMouse(scatter, QEvent::MouseButtonRelease, lasso.back(), Qt::NoButton);
        QCOMPARE(panel->selectedRows(), scatter->rowsInside(lasso));
        QCOMPARE(panel->selectedRows().size(), table.rowCount());
        QCOMPARE(tableSelection(panel), panel->selectedRows());

        // Selecting rows in the table selects them for the plots and the views too.
        panel->tableView()->clearSelection();
        QVERIFY(panel->selectedRows().empty());
        std::vector<int> frame0;
        for (std::size_t r = 0; r < table.rowCount(); ++r)
            if (table.cell(r, std::size_t(frameCol)) == "0")
                frame0.push_back(int(r));
        const int pickRow = frame0.size() > 1 ? frame0[1] : frame0[0];
        panel->tableView()->selectionModel()->select(panel->proxy()->mapFromSource(panel->model()->index(pickRow, 0)),
                                                     QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(panel->selectedRows(), std::vector<int>{pickRow});

        // The "selected cells" layer is exactly the voxels of the selected cell in this frame.
        w.setFrame(0);
        w.refreshNow();
        const int selectedId = std::stoi(table.cell(std::size_t(pickRow), std::size_t(idCol)));
        const VolumePtr labelFrame = w.dataset()->frame(w.layers()->layer(labels).channel, 0);
        const render::SceneLayer* highlight = nullptr;
        for (const auto& l : w.viewer()->layers())
            if (l.name == "selected cells")
                highlight = &l;
        QVERIFY(highlight && highlight->volume);
        std::size_t inside = 0;
        for (std::size_t i = 0; i < labelFrame->voxels(); ++i) {
            const bool isCell = int(labelFrame->valueAt(i)) == selectedId;
            QCOMPARE(highlight->volume->valueAt(i) > 0.5, isCell);
            inside += isCell;
        }
        QVERIFY(inside > 100);
        w.viewer()->sliceView(0)->grabFramebuffer().save(screenshotPath("profiling_highlight_xy.png"));

        // The same with blends made in the background: the highlight keeps its identity across
        // refreshes, so the worker's blend is found and the view settles (no endless re-blending).
        w.setSyncBlendLimit(0);
        render::VolumeScene* scene = w.viewer()->scene();
        w.setFrame(1);
        w.setFrame(0);
        QTRY_COMPARE_WITH_TIMEOUT(scene->shownStride(), 1, 30000);
        QVERIFY(scene->blendCache()->contains(w.viewer()->layers(), 1));
        w.prefetcher()->wait();
        QTest::qWait(300);
        const std::size_t blends = scene->blendCache()->misses();
        QTest::qWait(500);
        w.prefetcher()->wait();
        QCOMPARE(scene->blendCache()->misses(), blends);
        w.setSyncBlendLimit(24u << 20);

        // Picking a cell in the XY slice view selects its row (and so its point).
        panel->selectRows({});
        ui::VtkViewWidget* xy = w.viewer()->sliceView(0);
        bool picked = false;
        for (int gy = 1; gy < 12 && !picked; ++gy)
            for (int gx = 1; gx < 12 && !picked; ++gx) {
                QSignalSpy moved(w.viewer(), &ui::ViewerWidget::crosshairChanged);
                Q_EMIT xy->pointPicked(xy->width() * gx / 12, xy->height() * gy / 12);
                if (moved.isEmpty())
                    continue;  // outside the image
                const int id = [&] {
                    const auto c = w.viewer()->crosshair();
                    const Grid& g = labelFrame->grid();
                    const auto ix = std::size_t(std::lround((c[0] - g.origin_um[2]) / g.spacing_um[2]));
                    const auto iy = std::size_t(std::lround((c[1] - g.origin_um[1]) / g.spacing_um[1]));
                    const auto iz = std::size_t(std::lround((c[2] - g.origin_um[0]) / g.spacing_um[0]));
                    return ix < g.shape[2] && iy < g.shape[1] && iz < g.shape[0]
                               ? int(labelFrame->valueAt(g.index(iz, iy, ix)))
                               : 0;
                }();
                if (id <= 0)
                    continue;
                bool inTable = false;
                for (int r : frame0)
                    inTable |= std::stoi(table.cell(std::size_t(r), std::size_t(idCol))) == id;
                if (!inTable)
                    continue;  // a cell without a nucleus has no row
                picked = true;
                QCOMPARE(panel->selectedRows().size(), std::size_t(1));
                const auto row = std::size_t(panel->selectedRows().front());
                QCOMPARE(std::stoi(table.cell(row, std::size_t(idCol))), id);
                QCOMPARE(table.cell(row, std::size_t(frameCol)), std::string("0"));
            }
        QVERIFY(picked);

        // A click in the 3D view selects the first cell along the line of sight and moves the
        // crosshair onto it.
        panel->selectRows({});
        w.refreshNow();
        QTest::qWait(200);
        ui::VtkViewWidget* v3 = w.viewer()->view3D();
        bool picked3D = false;
        for (int gy = 2; gy < 10 && !picked3D; ++gy)
            for (int gx = 2; gx < 10 && !picked3D; ++gx) {
                QTest::mouseClick(v3, Qt::LeftButton, {}, QPoint(v3->width() * gx / 12, v3->height() * gy / 12));
                if (panel->selectedRows().empty())
                    continue;
                picked3D = true;
                const auto row = std::size_t(panel->selectedRows().front());
                const auto c = w.viewer()->crosshair();
                const Grid& g = labelFrame->grid();
                const auto ix = std::size_t(std::lround((c[0] - g.origin_um[2]) / g.spacing_um[2]));
                const auto iy = std::size_t(std::lround((c[1] - g.origin_um[1]) / g.spacing_um[1]));
                const auto iz = std::size_t(std::lround((c[2] - g.origin_um[0]) / g.spacing_um[0]));
                QCOMPARE(std::stoi(table.cell(row, std::size_t(idCol))), int(labelFrame->valueAt(g.index(iz, iy, ix))));
            }
        QVERIFY(picked3D);

        // Time courses: one series per track, in time order, for this time-lapse.
        panel->setFeature("cell_volume");
        std::set<std::string> tracks;
        for (std::size_t r = 0; r < table.rowCount(); ++r)
            tracks.insert(table.cell(r, std::size_t(table.columnIndex("track_id"))));
        QCOMPARE(panel->timeCourse()->tracks().size(), tracks.size());
        bool multi = false;
        for (const auto& t : panel->timeCourse()->tracks()) {
            QVERIFY(std::is_sorted(t.times_s.begin(), t.times_s.end()));
            multi |= t.times_s.size() == 3;
        }
        QVERIFY(multi);  // at least one cell followed through all three frames

        // Export: CSV (rows as filtered, units sidecar) and the plots in three formats.
        QVERIFY(panel->setRowFilter("frame = 0"));
        const QString filtered = QString::fromStdString(dir_.file("frame0.csv"));
        QVERIFY(panel->exportCsv(filtered));
        QCOMPARE(FeatureTable::read(filtered.toStdString()).rowCount(), frame0.size());
        QVERIFY(panel->hasUnsavedResults());  // the rows left out are not saved anywhere
        QVERIFY(panel->setRowFilter(""));
        controlCsv_ = QString::fromStdString(dir_.file("control_features.csv"));
        QVERIFY(panel->exportCsv(controlCsv_));
        QVERIFY(!panel->hasUnsavedResults());
        const FeatureTable back = FeatureTable::read(controlCsv_.toStdString());
        QCOMPARE(back.rowCount(), table.rowCount());
        const FeatureTable units = FeatureTable::read(dir_.file("control_features.units.csv"));
        QCOMPARE(units.rowCount(), table.columnCount());
        for (int tab = 0; tab < 3; ++tab) {
            panel->showPlot(tab);
            for (const char* ext : {"png", "svg", "pdf"}) {
                const QString path = QString::fromStdString(dir_.file("plot" + std::to_string(tab) + "." + ext));
                QString err;
                QVERIFY2(panel->exportPlot(path, &err), qPrintable(err));
                const std::string text = fileText(path);
                if (QString(ext) == "png") {
                    QImage img(path);
                    QVERIFY(!img.isNull() && img.width() >= 1280);
                } else if (QString(ext) == "svg") {
                    QXmlStreamReader xml(QByteArray::fromStdString(text));
                    bool svgRoot = false, hasText = false;
                    while (!xml.atEnd()) {
                        xml.readNext();
                        svgRoot |= xml.isStartElement() && xml.name() == u"svg";
                        hasText |= xml.isStartElement() && xml.name() == u"text";
                    }
                    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
                    QVERIFY(svgRoot && hasText);  // labels stay text, editable in Inkscape/Illustrator
                } else {
                    QVERIFY(text.rfind("%PDF-", 0) == 0);
                    QVERIFY(text.find("%%EOF") != std::string::npos);
                }
            }
        }
        QVERIFY(!panel->exportPlot(QString::fromStdString(dir_.file("plot.bmp"))));
        panel->showPlot(0);
        panel->setColouring("cell_volume");
        panel->selectRows(frame0);
        QTest::qWait(100);
        panel->grab().save(screenshotPath("profiling_umap_feature.png"));
    }

    void comparesConditionsWithCoreStatistics()
    {
        QVERIFY(!controlCsv_.isEmpty());
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, QString::fromStdString(treated_), {1800, 1000}));
        ui::ProfilingPanel* panel = w.profilingPanel();
        panel->findChild<QLineEdit*>("conditionEdit")->setText("treated");

        // Cancel leaves everything as it was: no table, no label layer.
        QSignalSpy cancelled(w.job(), &ui::BackgroundJob::cancelled);
        QSignalSpy progressed(w.job(), &ui::BackgroundJob::progress);
        QVERIFY(w.startProfiling());
        QTRY_VERIFY_WITH_TIMEOUT(!progressed.isEmpty(), 60000);
        w.job()->cancel();
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, 60000);
        QVERIFY(!panel->results());
        QVERIFY(w.layers()->indexOf("cell_labels") < 0);

        QVERIFY(w.startProfiling());
        QVERIFY(waitForJob(w));
        treatedCsv_ = QString::fromStdString(dir_.file("treated_features.csv"));
        QVERIFY(panel->exportCsv(treatedCsv_));

        // Both conditions in one table, as `cat` of two `profile` outputs would give.
        const std::string a = fileText(controlCsv_), b = fileText(treatedCsv_);
        bothCsv_ = QString::fromStdString(dir_.file("both.csv"));
        std::ofstream(bothCsv_.toStdString()) << a << b.substr(b.find('\n') + 1);
        QVERIFY(panel->openFeatureCsv({bothCsv_}));
        QVERIFY(waitForJob(w));
        QVERIFY(!panel->hasUnsavedResults());
        const FeatureTable both = FeatureTable::read(bothCsv_.toStdString());
        QCOMPARE(panel->results()->table->rowCount(), both.rowCount());
        // No sidecar beside both.csv: units still come from what `profile` writes.
        QCOMPARE(panel->model()->unitOf(std::string("time_s")), QString("s"));
        QCOMPARE(panel->model()->unitOf(std::string("centroid_x_um")), QString("µm"));
        QCOMPARE(panel->model()->unitOf(std::string("cell_volume")), QString("µm³"));

        // Every feature's marks are core's Welch t-test, BH-adjusted, against the control.
        const ConditionStats stats = compareConditions(both, "condition");
        QCOMPARE(stats.control, std::string("control"));
        panel->showPlot(1);
        int significant = 0;
        for (const auto& f : featureCatalog()) {
            panel->setFeature(f.name);
            const auto& groups = panel->boxPlot()->groups();
            QCOMPARE(groups.size(), std::size_t(2));
            QCOMPARE(groups[0].name, QString("control"));
            QVERIFY(groups[0].mark.isEmpty());
            const auto it = std::find_if(stats.rows.begin(), stats.rows.end(), [&](const StatsRow& s) {
                return s.feature == f.name && s.test == "t_welch" && s.group == "treated";
            });
            QVERIFY(it != stats.rows.end());
            QCOMPARE(groups[1].mark, ui::significanceMark(it->pAdj));
            QCOMPARE(groups[0].values.size() + groups[1].values.size(), both.rowCount());
            significant += groups[1].mark.startsWith('*');
        }
        qInfo() << significant << "of 65 features differ (BH-adjusted Welch p < 0.05)";
        QCOMPARE(ui::significanceMark(0.0009), QString("***"));
        QCOMPARE(ui::significanceMark(0.009), QString("**"));
        QCOMPARE(ui::significanceMark(0.049), QString("*"));
        QCOMPARE(ui::significanceMark(0.05), QString("ns"));

        // A filter restricts the plotted cells and the statistics to the same rows.
        QVERIFY(panel->setRowFilter("frame = 0"));
        panel->setFeature("cell_volume");
        const auto& g = panel->boxPlot()->groups();
        QCOMPARE(g[0].values.size() + g[1].values.size(), std::size_t(panel->proxy()->rowCount()));
        QVERIFY(panel->setRowFilter(""));

        // The screenshots for the docs: box plot and the UMAP by condition with a selection.
        panel->setFeature("nucleus_volume");
        QTest::qWait(100);
        panel->grab().save(screenshotPath("profiling_boxplot.png"));
        panel->showPlot(0);
        panel->setColouring("condition");
        std::vector<int> firstFrame;
        for (std::size_t r = 0; r < both.rowCount(); ++r)
            if (both.cell(r, std::size_t(both.columnIndex("frame"))) == "0" &&
                both.cell(r, std::size_t(both.columnIndex("condition"))) == "treated")
                firstFrame.push_back(int(r));
        panel->selectRows(firstFrame);
        w.refreshNow();
        QTest::qWait(200);
        panel->grab().save(screenshotPath("profiling_umap_condition.png"));
        panel->showPlot(2);
        QTest::qWait(100);
        panel->grab().save(screenshotPath("profiling_timecourse.png"));
        panel->showPlot(0);
        rfx::test::screenImage(w).save(screenshotPath("profiling_window.png"));

        // The session keeps the panel's table and choices.
        panel->setFeature("nucleus_volume");
        panel->setColouring("cell_volume");
        panel->showPlot(1);
        const QString session = QString::fromStdString(dir_.file("session.json"));
        QVERIFY(w.saveSession(session));
        const auto json = QJsonDocument::fromJson(QByteArray::fromStdString(fileText(session))).object();
        QCOMPARE(json["profiling"].toObject()["feature"].toString(), QString("nucleus_volume"));

        ui::MainWindow w2;
        w2.resize(1800, 1000);
        w2.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w2));
        QVERIFY(w2.loadSession(session));
        QVERIFY(waitForJob(w2));
        ui::ProfilingPanel* p2 = w2.profilingPanel();
        QVERIFY(p2->results());
        QCOMPARE(p2->results()->table->rowCount(), both.rowCount());
        QCOMPARE(p2->feature(), QString("nucleus_volume"));
        QCOMPARE(p2->colouring(), QString("cell_volume"));
        QCOMPARE(p2->currentPlot(), static_cast<ui::PlotCanvas*>(p2->boxPlot()));

        // Several CSVs open as one table, in order.
        QVERIFY(panel->openFeatureCsv({controlCsv_, treatedCsv_}));
        QVERIFY(waitForJob(w));
        QCOMPARE(panel->results()->table->rowCount(), both.rowCount());
        QCOMPARE(panel->results()->table->cell(0, 0), both.cell(0, 0));
        QCOMPARE(panel->results()->table->cell(both.rowCount() - 1, 0), both.cell(both.rowCount() - 1, 0));
        QVERIFY(!panel->hasUnsavedResults());

        // "add to table": newly profiled cells follow the rows already there, all embedded together.
        panel->findChild<QCheckBox*>("appendToTable")->setChecked(true);
        panel->findChild<QLineEdit*>("conditionEdit")->setText("treated_again");
        QVERIFY(w.startProfiling());
        QVERIFY(waitForJob(w));
        const FeatureTable& grown = *panel->results()->table;
        const std::size_t treatedRows = FeatureTable::read(treatedCsv_.toStdString()).rowCount();
        QCOMPARE(grown.rowCount(), both.rowCount() + treatedRows);
        QCOMPARE(panel->results()->embedding.rows(), Eigen::Index(grown.rowCount()));
        const int condCol = grown.columnIndex("condition");
        QCOMPARE(grown.cell(0, std::size_t(condCol)), std::string("control"));
        QCOMPARE(grown.cell(grown.rowCount() - 1, std::size_t(condCol)), std::string("treated_again"));
        QVERIFY(panel->hasUnsavedResults());
        panel->setFeature("cell_volume");
        QCOMPARE(panel->boxPlot()->groups().size(), std::size_t(3));

        // Unexported cells are never dropped silently: closing asks; Cancel keeps the window.
        bool asked = false;
        auto answer = [&](QMessageBox::StandardButton button) { rfx::test::answerNextMessageBox(button, &asked); };
        answer(QMessageBox::Cancel);
        QVERIFY(!w.close());
        QVERIFY(asked && w.isVisible());
        asked = false;
        answer(QMessageBox::Cancel);
        QVERIFY(!panel->openFeatureCsv({bothCsv_}));  // replacing the table asks too
        QVERIFY(asked);
        QCOMPARE(panel->results()->table->rowCount(), grown.rowCount());
        // Closing for real: the table is discarded, then the cell_labels layer that profiling
        // added (never saved as results) is asked about too.
        asked = false;
        bool askedLayers = false;
        answer(QMessageBox::Discard);
        rfx::test::answerNextMessageBox(QMessageBox::Discard, &askedLayers, 800);
        QVERIFY(w.hasUnsavedLayers());
        QVERIFY(w.close());
        QVERIFY(asked && askedLayers);
    }
};

int main(int argc, char** argv)
{
    rfx::test::setTestSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("RefractomeTests");
    ProfilingPanelTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "ProfilingPanelTest.moc"
