// File > Export Movie through the job worker: a time-lapse of the demo with one frame per time
// point and a rotation, both counted with ffprobe; a cancelled export leaves no file; bad sizes
// are refused before anything starts.
#include <QApplication>
#include <QProcess>
#include <QSignalSpy>
#include <QtTest>
#include <filesystem>

#include "GuiTestSupport.h"
#include "tests/support/TempDir.h"
#include "ui/BackgroundJob.h"
#include "ui/MainWindow.h"

using namespace rfx;

namespace {

// "width,height,frames" of the movie's video stream, or empty without ffprobe.
QString probe(const QString& path)
{
    QProcess p;
    p.start("ffprobe", {"-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                        "stream=nb_read_frames,width,height", "-of", "csv=p=0:nk=1", path});
    if (!p.waitForFinished(30000) || p.exitCode() != 0)
        return {};
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

} // namespace

class MovieExportTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void exportsTimeLapseAndRotation()
    {
        ui::MainWindow w;
        QVERIFY(rfx::test::showWithFile(w, REFRACTOME_DEMO_FILE));
        w.refreshNow();
        rfx::test::TempDir dir;
        ui::BackgroundJob* job = w.job();
        QString error;

        QVERIFY(!w.startMovieExport(QString::fromStdString(dir.file("odd.ogv")), false, 5, 161, 120, &error));
        QVERIFY(error.contains("even"));

        const QString lapse = QString::fromStdString(dir.file("lapse.ogv"));
        QSignalSpy finished(job, &ui::BackgroundJob::finished);
        QVERIFY2(w.startMovieExport(lapse, false, 5, 160, 120, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!job->running(), 120000);
        QCOMPARE(finished.count(), 1);
        QVERIFY(QFileInfo::exists(lapse));
        const QString lapseInfo = probe(lapse);
        if (!lapseInfo.isEmpty())
            QCOMPARE(lapseInfo, QString("160,120,6"));

        const QString turn = QString::fromStdString(dir.file("turn.ogv"));
        QVERIFY2(w.startMovieExport(turn, true, 24, 96, 64, &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!job->running(), 120000);
        QCOMPARE(finished.count(), 2);
        const QString turnInfo = probe(turn);
        if (!turnInfo.isEmpty())
            QCOMPARE(turnInfo, QString("96,64,72"));

        // Cancelled: no movie, no temporary.
        QSignalSpy cancelled(job, &ui::BackgroundJob::cancelled);
        const QString gone = QString::fromStdString(dir.file("gone.ogv"));
        QVERIFY(w.startMovieExport(gone, true, 24, 320, 240, &error));
        job->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!job->running(), 60000);
        QCOMPARE(cancelled.count(), 1);
        std::size_t files = 0;
        for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path()))
            ++files;
        QCOMPARE(files, std::size_t(2));
    }
};

int main(int argc, char** argv)
{
    rfx::test::setTestSurfaceFormat();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("RefractomeTests");
    MovieExportTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "MovieExportTest.moc"
