// Background prediction through the worker: a small crop is predicted with progress and the
// result committed in one step; another run is cancelled and leaves nothing; the GUI thread
// keeps ticking while the job runs; closing with a job running asks first; predicted layers are
// never dropped without asking and can be saved as a results file, also from that question.
#include <QAbstractButton>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QMessageBox>
#include <QTimer>
#include <QtTest>

#include "GuiTestSupport.h"
#include <algorithm>
#include <cmath>
#include <thread>

#include "core/forces/LearnedTfm.h"
#include "core/io/DatasetOpener.h"
#include "core/io/ResultsWriter.h"
#include "core/prediction/ModelLocator.h"
#include "core/synth/BeadPairGenerator.h"
#include "core/torch/TorchBackend.h"
#include "tests/support/TempDir.h"
#include "ui/BackgroundJob.h"
#include "ui/LayerModel.h"
#include "ui/MainWindow.h"
#include "ui/ForceTask.h"
#include "ui/PredictionTask.h"
#include "ui/VtkViewWidget.h"

using namespace rfx;

namespace {

// The demo's RI, frame 0, cropped to one model patch (32 x 128 x 128).
std::string writeCrop(const rfx::test::TempDir& dir)
{
    DatasetPtr demo = openDataset(REFRACTOME_DEMO_FILE);
    const int ri = demo->channelIndex("ri");
    const VolumePtr full = demo->frame(static_cast<std::size_t>(ri), 0);
    Grid g = full->grid();
    g.shape = {std::min<std::size_t>(32, g.shape[0]), 128, 128};
    Volume crop = Volume::zeros<float>(g);
    const Volume f = full->toFloat();
    for (std::size_t z = 0; z < g.shape[0]; ++z)
        for (std::size_t y = 0; y < 128; ++y)
            for (std::size_t x = 0; x < 128; ++x)
                crop.at<float>(z, y, x) = f.at<float>(z, y + 32, x + 32);
    const std::string path = dir.file("crop.h5");
    ResultsWriter w(path);
    ChannelInfo info = demo->channel(static_cast<std::size_t>(ri));
    info.grid = g;
    info.times_s = {0.0};
    w.addChannel(info, VoxelType::Float32);
    w.writeFrame("ri", 0, crop);
    w.commit();
    return path;
}

// Answers the save dialog that a Save in the question opens (checked 600 ms later) with `path`.
void answerNextSaveDialog(const QString& path, bool* asked)
{
    QTimer::singleShot(600, [path, asked] {
        for (QWidget* top : QApplication::topLevelWidgets())
            if (auto* dialog = qobject_cast<QFileDialog*>(top); dialog && dialog->isVisible()) {
                *asked = true;
                // Typed into the file name box, as a user would.
                if (auto* edit = dialog->findChild<QLineEdit*>("fileNameEdit"))
                    edit->setText(path);
                static_cast<QDialog*>(dialog)->accept();  // QFileDialog::accept is protected
            }
    });
}

bool sameVoxels(const Volume& a, const Volume& b)
{
    if (a.shape() != b.shape())
        return false;
    const Volume fa = a.toFloat(), fb = b.toFloat();
    for (std::size_t i = 0; i < fa.values(); ++i)
        if (fa.data<float>()[i] != fb.data<float>()[i])
            return false;
    return true;
}

} // namespace

class JobTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void uniqueNamesAvoidClashes()
    {
        std::vector<PredictionMap> maps = {{"nucleus", ChannelRole::PredictedFluorescence, ""},
                                           {"nucleus_data_std", ChannelRole::Uncertainty, "nucleus"}};
        auto same = ui::uniqueMapNames(maps, {"ri"});
        QCOMPARE(same[0].name, std::string("nucleus"));
        auto renamed = ui::uniqueMapNames(maps, {"ri", "nucleus"});
        QCOMPARE(renamed[0].name, std::string("nucleus_pred"));
        QCOMPARE(renamed[1].name, std::string("nucleus_pred_data_std"));
        QCOMPARE(renamed[1].derivedFrom, std::string("nucleus_pred"));
    }

    void predictionRunsInTheBackgroundAndCommitsOnce()
    {
        rfx::test::TempDir dir;
        const std::string crop = writeCrop(dir);
        ui::MainWindow w;
        w.resize(1000, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(QString::fromStdString(crop), true));
        QCOMPARE(w.layers()->count(), 1);
        ui::BackgroundJob* job = w.job();
        QSignalSpy progress(job, &ui::BackgroundJob::progress);
        QSignalSpy finished(job, &ui::BackgroundJob::finished);
        QSignalSpy failed(job, &ui::BackgroundJob::failed);
        // GUI-thread responsiveness: the largest gap between 10 ms timer ticks while the job runs.
        QElapsedTimer tick;
        qint64 worstGap = 0;
        QTimer ticker;
        ticker.setInterval(10);
        QObject::connect(&ticker, &QTimer::timeout, [&] {
            if (tick.isValid())
                worstGap = std::max(worstGap, tick.restart());
            else
                tick.start();
        });
        ticker.start();
        PredictionOptions o;
        o.tta = 2;
        QVERIFY(w.startPrediction(o));
        QVERIFY(job->running());
        QVERIFY(!w.startPrediction(o));  // one job at a time
        QCOMPARE(w.layers()->count(), 1);  // nothing half-made while it runs
        QTRY_VERIFY_WITH_TIMEOUT(!job->running(), 240000);
        ticker.stop();
        if (!failed.isEmpty())
            QFAIL(qPrintable(failed.front().at(1).toString()));
        QCOMPARE(finished.count(), 1);
        QVERIFY(progress.count() >= 1);
        qInfo("GUI thread: worst timer gap %lld ms during prediction", worstGap);
        QVERIFY2(worstGap < 1000, qPrintable(QString("GUI blocked for %1 ms").arg(worstGap)));
        // Six predictions and their data uncertainty maps, committed together.
        ui::LayerModel* m = w.layers();
        QCOMPARE(m->count(), 1 + 12);
        QVERIFY(m->indexOf("nucleus") > 0);
        QVERIFY(m->indexOf("nucleus_data_std") > 0);
        QCOMPARE(m->layer(m->indexOf("nucleus_data_std")).role, ChannelRole::Uncertainty);
        // A figure exported at once shows the predictions, even while the view's blend of them is
        // still being made in the background (the crop had RI alone: grey, no colour).
        const QString fig = QString::fromStdString(dir.file("figure.png"));
        QVERIFY(w.exportFigure(fig, 320, 240));
        const auto colours = rfx::test::countColours(QImage(fig));
        QVERIFY(colours.red + colours.green + colours.blue + colours.yellow + colours.magenta > 50);
        w.refreshNow();
        QTest::qWait(150);
        w.view()->grabFramebuffer().save(rfx::test::screenshotPath("gui_predicted.png"));
        QVERIFY(rfx::test::countColours(w.view()->grabFramebuffer()).foreground > 0.02);

        // A second run, cancelled: nothing changes.
        QSignalSpy cancelled(job, &ui::BackgroundJob::cancelled);
        QVERIFY(w.startPrediction(o));
        job->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!job->running(), 120000);
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(m->count(), 13);
    }

    void closingWithAJobRunningAsksFirst()
    {
        rfx::test::TempDir dir;
        const std::string crop = writeCrop(dir);
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, QString::fromStdString(crop)));
        PredictionOptions o;
        o.tta = 8;  // long enough to still run when we try to close
        QVERIFY(w.startPrediction(o));
        bool asked = false;
        auto answer = [&](QMessageBox::StandardButton button) { rfx::test::answerNextMessageBox(button, &asked); };
        answer(QMessageBox::No);
        QVERIFY(!w.close());  // refused: the job goes on
        QVERIFY(asked);
        QVERIFY(w.isVisible());
        QVERIFY(w.job()->running());
        asked = false;
        answer(QMessageBox::Yes);
        QVERIFY(w.close());
        QVERIFY(asked);
        QTRY_VERIFY_WITH_TIMEOUT(!w.job()->running(), 60000);
    }

    void learnedForcesRunInTheBackground()
    {
        // Forces by the learned method from the GUI: the same result as core's runLearnedTfm, written
        // as `tfm --method dl` writes it, and opened.
        rfx::test::TempDir dir;
        BeadPairParams p;
        p.shape = {32, 64, 64};
        p.seed = 3;
        const BeadPair bp = generateBeadPair(p);
        auto write = [&](const std::string& name, const Volume& v) {
            return rfx::test::writeOneChannel(dir.file(name + ".h5"), name, v, ChannelRole::MeasuredFluorescence);
        };
        ui::ForceRequest req;
        req.method = ui::ForceMethod::Learned;
        req.relaxedPath = write("relaxed", bp.relaxed);
        req.stressedPath = write("stressed", bp.stressed);
        req.young_Pa = p.material.young_Pa;
        req.poisson = p.material.poisson;
        req.window = 16;
        req.outputPath = QString::fromStdString(dir.file("forces_dl.h5"));
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, req.relaxedPath));
        QString error;
        QVERIFY2(w.startForceReconstruction(req, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!w.job()->running(), 120000);
        QTRY_VERIFY(w.layers()->indexOf("nodal_force") >= 0);  // the results file is open

        LearnedTfmInputs li;
        li.relaxed = std::make_shared<const Volume>(bp.relaxed);
        li.stressed = std::make_shared<const Volume>(bp.stressed);
        li.modelDirectory = bundledModelDirectory("force-synthetic");
        li.prediction.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency() - 1));
        li.window = 16;
        li.elasticity.material = p.material;
        const LearnedTfmResult direct = runLearnedTfm(li);
        const DatasetPtr saved = openDataset(req.outputPath.toStdString());
        const Volume u = saved->frame(std::size_t(saved->channelIndex("displacement")), 0)->toFloat();
        const Volume& du = direct.tfm.dvc.displacement_um;
        QCOMPARE(u.shape(), du.shape());
        double worst = 0;
        for (std::size_t i = 0; i < u.values(); ++i)
            worst = std::max(worst, std::abs(double(u.data<float>()[i]) - double(du.data<float>()[i])));
        QVERIFY2(worst < 1e-5, qPrintable(QString("displacement differs by %1 µm").arg(worst)));
        // Learned indeed: the classical field on the same pair differs by far more.
        const TfmResult classical = runClassicalTfm([&] {
            TfmInputs in;
            in.relaxed = li.relaxed;
            in.stressed = li.stressed;
            in.params.dvc.window = 16;
            in.params.elasticity.material = p.material;
            return in;
        }());
        double apart = 0;
        for (std::size_t i = 0; i < u.values(); ++i)
            apart = std::max(apart, std::abs(double(u.data<float>()[i]) -
                                             double(classical.dvc.displacement_um.data<float>()[i])));
        QVERIFY2(apart > 1e-3, qPrintable(QString("learned and classical agree to %1 µm").arg(apart)));
    }

    void predictedLayersAreNeverDroppedWithoutAsking()
    {
        rfx::test::TempDir dir;
        const std::string crop = writeCrop(dir);
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, QString::fromStdString(crop)));
        QVERIFY(!w.hasUnsavedLayers());
        PredictionOptions o;
        o.tta = 1;
        QVERIFY(w.startPrediction(o));
        QTRY_VERIFY_WITH_TIMEOUT(!w.job()->running(), 240000);
        const int layers = w.layers()->count();
        QCOMPARE(layers, 1 + 6);  // RI and six predictions (no uncertainty maps with one pass)
        QVERIFY(w.hasUnsavedLayers());

        // Closing, or opening another file, asks; Cancel keeps everything.
        bool asked = false;
        rfx::test::answerNextMessageBox(QMessageBox::Cancel, &asked);
        QVERIFY(!w.close());
        QVERIFY(asked && w.isVisible());
        asked = false;
        rfx::test::answerNextMessageBox(QMessageBox::Cancel, &asked);
        QVERIFY(!w.openFile(REFRACTOME_DEMO_FILE, true));
        QVERIFY(asked);
        QCOMPARE(w.layers()->count(), layers);

        // File > Save Results writes every layer; the file reopens with the same voxels.
        const QString saved = QString::fromStdString(dir.file("crop_results.h5"));
        QVERIFY(!w.startSaveResults(QString::fromStdString(crop)));  // never over the open file
        QVERIFY(w.startSaveResults(saved));
        QTRY_VERIFY_WITH_TIMEOUT(!w.job()->running(), 60000);
        QVERIFY(!w.hasUnsavedLayers());
        const DatasetPtr back = openDataset(saved.toStdString());
        QCOMPARE(back->channelCount(), w.dataset()->channelCount());
        for (const char* name : {"ri", "nucleus", "mitochondria"}) {
            const int a = back->channelIndex(name), b = w.dataset()->channelIndex(name);
            QVERIFY2(a >= 0 && b >= 0, name);
            QVERIFY2(sameVoxels(*back->frame(std::size_t(a), 0), *w.dataset()->frame(std::size_t(b), 0)), name);
        }

        // Another prediction, then close with Save in the question: the results are written,
        // then the window closes by itself.
        QVERIFY(w.startPrediction(o));
        QTRY_VERIFY_WITH_TIMEOUT(!w.job()->running(), 240000);
        QVERIFY(w.hasUnsavedLayers());
        const QString again = QString::fromStdString(dir.file("again.h5"));
        asked = false;
        bool dialog = false;
        rfx::test::answerNextMessageBox(QMessageBox::Save, &asked);
        answerNextSaveDialog(again, &dialog);
        QVERIFY(!w.close());  // not yet: the save runs first
        QVERIFY(asked && dialog);
        QTRY_VERIFY_WITH_TIMEOUT(!w.isVisible(), 60000);
        QVERIFY(QFileInfo::exists(again));
        QCOMPARE(openDataset(again.toStdString())->channelCount(), w.dataset()->channelCount());
    }
};

int main(int argc, char** argv)
{
    rfx::test::setTestSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("RefractomeTests");
    rfx::torchbackend::install();
    JobTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "JobTest.moc"
