#include "ui/profiling/PlotAxes.h"

#include <QFontMetricsF>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace rfx::ui {

std::vector<double> niceTicks(double lo, double hi, int target)
{
    if (!std::isfinite(lo) || !std::isfinite(hi) || hi <= lo)
        return {lo};
    const double raw = (hi - lo) / std::max(1, target);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (raw <= m * mag) {
            step = m * mag;
            break;
        }
    std::vector<double> ticks;
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
        ticks.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
    return ticks;
}

std::pair<double, double> paddedRange(const std::vector<double>& values, double pad)
{
    double lo = INFINITY, hi = -INFINITY;
    for (double v : values)
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    if (!std::isfinite(lo))
        return {0, 1};
    if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi)))
        return {lo - 1, hi + 1};
    const double d = (hi - lo) * pad;
    return {lo - d, hi + d};
}

QString tickLabel(double value, double step)
{
    const double a = std::abs(value);
    if (a != 0 && (a >= 1e5 || a < 1e-3))
        return QString::number(value, 'g', 3);
    const int decimals = step >= 1 ? 0 : std::min(6, int(std::ceil(-std::log10(step) - 1e-9)));
    return QString::number(value, 'f', decimals);
}

PlotAxes::PlotAxes(const QRectF& outer, double x0, double x1, double y0, double y1, double rightMargin)
    : x0_(x0), x1_(x1), y0_(y0), y1_(y1)
{
    // Room for y tick labels and title on the left, x labels and title below, the title on top.
    area_ = outer.adjusted(72, 30, -rightMargin, -50);
}

double PlotAxes::mapX(double x) const { return area_.left() + (x - x0_) / (x1_ - x0_) * area_.width(); }
double PlotAxes::mapY(double y) const { return area_.bottom() - (y - y0_) / (y1_ - y0_) * area_.height(); }
QPointF PlotAxes::map(double x, double y) const { return {mapX(x), mapY(y)}; }

QPointF PlotAxes::unmap(const QPointF& p) const
{
    return {x0_ + (p.x() - area_.left()) / area_.width() * (x1_ - x0_),
            y0_ + (area_.bottom() - p.y()) / area_.height() * (y1_ - y0_)};
}

void PlotAxes::draw(QPainter& p, const QString& title, const QString& xTitle, const QString& yTitle, bool xTicks) const
{
    p.save();
    const QFontMetricsF fm(p.font());
    const QPen axisPen(QColor(40, 40, 40), 1.0);
    const QPen gridPen(QColor(225, 225, 225), 0.8);
    const auto yt = niceTicks(y0_, y1_, std::max(2, int(area_.height() / 45)));
    const double yStep = yt.size() > 1 ? yt[1] - yt[0] : 1;
    for (double v : yt) {
        const double y = mapY(v);
        p.setPen(gridPen);
        p.drawLine(QPointF(area_.left(), y), QPointF(area_.right(), y));
        p.setPen(axisPen);
        p.drawLine(QPointF(area_.left() - 4, y), QPointF(area_.left(), y));
        const QString s = tickLabel(v, yStep);
        p.drawText(QRectF(area_.left() - 64, y - fm.height() / 2, 57, fm.height()), Qt::AlignRight | Qt::AlignVCenter, s);
    }
    if (xTicks) {
        const auto xt = niceTicks(x0_, x1_, std::max(2, int(area_.width() / 80)));
        const double xStep = xt.size() > 1 ? xt[1] - xt[0] : 1;
        for (double v : xt) {
            const double x = mapX(v);
            p.setPen(gridPen);
            p.drawLine(QPointF(x, area_.top()), QPointF(x, area_.bottom()));
            p.setPen(axisPen);
            p.drawLine(QPointF(x, area_.bottom()), QPointF(x, area_.bottom() + 4));
            p.drawText(QRectF(x - 40, area_.bottom() + 5, 80, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                       tickLabel(v, xStep));
        }
    }
    p.setPen(axisPen);
    p.setBrush(Qt::NoBrush);
    p.drawLine(area_.bottomLeft(), area_.bottomRight());
    p.drawLine(area_.bottomLeft(), area_.topLeft());
    p.drawText(QRectF(area_.left(), area_.bottom() + fm.height() + 12, area_.width(), fm.height() + 4),
               Qt::AlignHCenter | Qt::AlignTop, xTitle);
    p.save();
    p.translate(area_.left() - 60 - fm.height(), area_.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-area_.height() / 2, 0, area_.height(), fm.height() + 4), Qt::AlignCenter, yTitle);
    p.restore();
    QFont bold = p.font();
    bold.setBold(true);
    p.setFont(bold);
    p.drawText(QRectF(area_.left(), area_.top() - 26, area_.width(), 22), Qt::AlignLeft | Qt::AlignVCenter, title);
    p.restore();
}

} // namespace rfx::ui
