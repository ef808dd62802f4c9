#pragma once
// Shared helpers of the GUI tests: pixel statistics of screenshots and the surface format.
#include <QImage>
#include <QSize>
#include <QMessageBox>
#include <QString>
#include <string>

class QWidget;
namespace rfx::ui {
class MainWindow;
}
namespace rfx {
class Volume;
enum class ChannelRole;
}

namespace rfx::test {

struct ColourCounts {
    double foreground = 0;  // fraction clearly different from the top-left pixel
    int blue = 0, red = 0, green = 0, yellow = 0, magenta = 0;
};

ColourCounts countColours(const QImage& img);
QString screenshotPath(const QString& name);
// Shows `w` at `size`, waits until it is on screen and opens `path` quietly; false when any step fails.
bool showWithFile(rfx::ui::MainWindow& w, const QString& path, QSize size = {1000, 700});
// What the screen shows of a top-level window, native child windows (the GL views) included;
// QWidget::grab() would leave those out.
QImage screenImage(const QWidget& window);
void setTestSurfaceFormat();
// Answers the message box that the next blocking call opens (checked `afterMs` later) with `button`
// and sets *asked; *asked stays false when no box was open then.
void answerNextMessageBox(QMessageBox::StandardButton button, bool* asked, int afterMs = 200);
// `volume` as a results file of one channel `name` (one frame), as a user's file would be; returns its path.
QString writeOneChannel(const std::string& path, const std::string& name, const Volume& volume, ChannelRole role);

} // namespace rfx::test
