#pragma once
// Shared helpers of the GUI tests: pixel statistics of screenshots and the surface format.
#include <QImage>
#include <QString>

namespace rfx::test {

struct ColourCounts {
    double foreground = 0;  // fraction clearly different from the top-left pixel
    int blue = 0, red = 0, green = 0, yellow = 0, magenta = 0;
};

ColourCounts countColours(const QImage& img);
QString screenshotPath(const QString& name);
void setTestSurfaceFormat();

} // namespace rfx::test
