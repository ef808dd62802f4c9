// Opens the demo time-lapse in a real main window, checks the channel list and time slider,
// and that the 3D view actually draws the volume (screenshot saved beside the test binary).
#include <QApplication>
#include <QListWidget>
#include <QSlider>
#include <QSurfaceFormat>
#include <QtTest>

#include <fstream>

#include "tests/support/TempDir.h"
#include "ui/MainWindow.h"
#include "ui/VtkViewWidget.h"

namespace {

// Fraction of pixels that differ clearly from the background colour of the 3D view.
double foregroundFraction(const QImage& img)
{
    const QColor bg = img.pixelColor(2, 2);
    std::size_t fg = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QColor c = img.pixelColor(x, y);
            if (std::abs(c.red() - bg.red()) + std::abs(c.green() - bg.green()) + std::abs(c.blue() - bg.blue()) > 30)
                ++fg;
        }
    return double(fg) / double(img.width() * img.height());
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void opensDemoAndRendersVolume()
    {
        rfx::ui::MainWindow w;
        w.resize(1000, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.openFile(REFRACTOME_DEMO_FILE, true));
        auto* list = w.findChild<QListWidget*>("channelList");
        QVERIFY(list);
        QVERIFY(list->count() >= 9);  // ri, six targets, two label channels
        QVERIFY(list->item(0)->text().startsWith("ri"));
        auto* slider = w.findChild<QSlider*>("timeSlider");
        QVERIFY(slider && slider->isEnabled());
        QCOMPARE(slider->maximum(), 5);

        QTest::qWait(200);
        QImage shot = w.view()->grabFramebuffer();
        shot.save(QString(REFRACTOME_SCREENSHOT_DIR) + "/main_window_ri.png");
        w.grab().save(QString(REFRACTOME_SCREENSHOT_DIR) + "/main_window_full.png");
        QVERIFY(shot.width() > 100);
        const double fg = foregroundFraction(shot);
        QVERIFY2(fg > 0.02, qPrintable(QString("3D view looks empty: %1 foreground").arg(fg)));

        // Switching to the nucleus channel (blue) must put blue into the picture.
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->text().startsWith("nucleus "))
                list->setCurrentRow(i);
        slider->setValue(3);
        QTest::qWait(200);
        QImage nuc = w.view()->grabFramebuffer();
        nuc.save(QString(REFRACTOME_SCREENSHOT_DIR) + "/main_window_nucleus_t3.png");
        QCOMPARE(w.currentFrame(), 3);
        int blue = 0;
        for (int y = 0; y < nuc.height(); y += 2)
            for (int x = 0; x < nuc.width(); x += 2) {
                const QColor c = nuc.pixelColor(x, y);
                blue += c.blue() > 60 && c.blue() > c.red() + 20;
            }
        QVERIFY2(blue > 50, "nucleus channel not visible in blue");
    }

    void badFileIsRefusedWithoutCrash()
    {
        rfx::test::TempDir dir;
        const std::string bad = dir.file("broken.TCF");
        std::ofstream(bad) << "this is not HDF5";
        rfx::ui::MainWindow w;
        w.show();
        QVERIFY(!w.openFile(QString::fromStdString(bad), true));
        QVERIFY(!w.dataset());
    }
};

int main(int argc, char** argv)
{
    QSurfaceFormat format;
    format.setVersion(3, 2);
    format.setProfile(QSurfaceFormat::CoreProfile);
    format.setDepthBufferSize(24);
    QSurfaceFormat::setDefaultFormat(format);
    QApplication app(argc, argv);
    MainWindowTest test;
    return QTest::qExec(&test, argc, argv);
}

#include "MainWindowTest.moc"
