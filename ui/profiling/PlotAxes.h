#pragma once
// The coordinate frame of one plot: data ranges mapped onto the area left after margins for tick
// labels and axis titles, with "nice" ticks (1, 2, 5 x 10^k) and the axes drawn in one style.
#include <QPointF>
#include <QRectF>
#include <QString>
#include <utility>
#include <vector>

class QPainter;

namespace rfx::ui {

// Ticks covering [lo, hi] at a 1/2/5 x 10^k step, about `target` of them.
std::vector<double> niceTicks(double lo, double hi, int target = 5);
// [min, max] of the finite values widened by `pad` of the span (a unit either side when flat).
std::pair<double, double> paddedRange(const std::vector<double>& values, double pad = 0.05);
// A tick label with as few digits as the step needs.
QString tickLabel(double value, double step);

class PlotAxes {
public:
    // `outer` is the whole plot; the data area leaves `rightMargin` free (legends, colour bars).
    PlotAxes(const QRectF& outer, double x0, double x1, double y0, double y1, double rightMargin = 16);

    const QRectF& area() const { return area_; }
    QPointF map(double x, double y) const;
    double mapX(double x) const;
    double mapY(double y) const;
    QPointF unmap(const QPointF& pixel) const;  // pixel -> data

    // Frame, ticks and titles. xTicks false: the caller labels the x axis itself (categories).
    void draw(QPainter& p, const QString& title, const QString& xTitle, const QString& yTitle, bool xTicks = true) const;

private:
    QRectF area_;
    double x0_, x1_, y0_, y1_;
};

} // namespace rfx::ui
