#include "GuiTestSupport.h"

#include <QApplication>
#include <QColor>
#include <QPixmap>
#include <QPushButton>
#include <QScreen>
#include <QSurfaceFormat>
#include <QTimer>
#include <QWidget>
#include <QtTest>
#include <cstdlib>

#include "core/io/ResultsWriter.h"
#include "ui/MainWindow.h"

namespace rfx::test {

ColourCounts countColours(const QImage& img)
{
    ColourCounts c;
    if (img.isNull())
        return c;
    const QColor bg = img.pixelColor(2, 2);
    std::size_t fg = 0, n = 0;
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2) {
            const QColor p = img.pixelColor(x, y);
            const int r = p.red(), g = p.green(), b = p.blue();
            ++n;
            fg += std::abs(r - bg.red()) + std::abs(g - bg.green()) + std::abs(b - bg.blue()) > 30;
            c.blue += b > 80 && b > r + 30 && b > g + 10;
            c.red += r > 80 && r > g + 40 && r > b + 40;
            c.green += g > 80 && g > r + 40 && g > b + 40;
            c.yellow += r > 120 && g > 120 && b < std::min(r, g) - 60;
            c.magenta += r > 100 && b > 100 && g < std::min(r, b) - 40;
        }
    c.foreground = n ? double(fg) / double(n) : 0;
    return c;
}

QString screenshotPath(const QString& name) { return QString(REFRACTOME_SCREENSHOT_DIR) + "/" + name; }

bool showWithFile(rfx::ui::MainWindow& w, const QString& path, QSize size)
{
    w.resize(size);
    w.show();
    return QTest::qWaitForWindowExposed(&w) && w.openFile(path, true);
}

QImage screenImage(const QWidget& window)
{
    QApplication::processEvents();
    return window.screen()->grabWindow(window.winId()).toImage();
}

void setTestSurfaceFormat()
{
    QSurfaceFormat format;
    format.setVersion(3, 2);
    format.setProfile(QSurfaceFormat::CoreProfile);
    format.setDepthBufferSize(24);
    format.setStencilBufferSize(8);
    QSurfaceFormat::setDefaultFormat(format);
}

void answerNextMessageBox(QMessageBox::StandardButton button, bool* asked, int afterMs)
{
    QTimer::singleShot(afterMs, [button, asked] {
        for (QWidget* top : QApplication::topLevelWidgets())
            if (auto* box = qobject_cast<QMessageBox*>(top); box && box->isVisible()) {
                *asked = true;
                box->button(button)->click();
            }
    });
}

QString writeOneChannel(const std::string& path, const std::string& name, const Volume& volume, ChannelRole role)
{
    ResultsWriter out(path);
    ChannelInfo info;
    info.name = name;
    info.role = role;
    info.grid = volume.grid();
    info.times_s = {0.0};
    out.addChannel(info, volume.type());
    out.writeFrame(name, 0, volume);
    out.commit();
    return QString::fromStdString(path);
}

} // namespace rfx::test
