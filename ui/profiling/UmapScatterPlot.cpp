#include "ui/profiling/UmapScatterPlot.h"

#include <QFontMetricsF>
#include <QLinearGradient>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>
#include <tuple>

#include "ui/profiling/ColorScales.h"
#include "ui/profiling/PlotAxes.h"

namespace rfx::ui {

UmapScatterPlot::UmapScatterPlot(QWidget* parent) : PlotCanvas(parent)
{
    setObjectName("umapPlot");
    setWindowTitle(tr("UMAP"));
    setMouseTracking(false);
}

void UmapScatterPlot::setPoints(std::vector<QPointF> xy, std::vector<int> shown)
{
    xy_ = std::move(xy);
    shown_ = std::move(shown);
    message_.clear();
    update();
}

void UmapScatterPlot::setNumericColours(std::vector<double> values, const QString& name, const QString& unit)
{
    values_ = std::move(values);
    category_.clear();
    categories_.clear();
    setLabels(name, unit, {});
}

void UmapScatterPlot::setCategoricalColours(std::vector<int> category, const QStringList& names)
{
    category_ = std::move(category);
    categories_ = names;
    values_.clear();
    update();
}

void UmapScatterPlot::setMessage(const QString& text)
{
    message_ = text;
    xy_.clear();
    shown_.clear();
    update();
}

double UmapScatterPlot::rightMargin() const
{
    if (!values_.empty())
        return 110;  // colour bar with tick labels
    if (!categories_.isEmpty()) {
        double w = 0;
        const QFontMetricsF fm(font());
        for (const QString& c : categories_)
            w = std::max(w, fm.horizontalAdvance(c));
        return w + 44;
    }
    return 16;
}

QRectF UmapScatterPlot::dataRect() const
{
    std::vector<double> xs, ys;
    for (int r : shown_) {
        xs.push_back(xy_[std::size_t(r)].x());
        ys.push_back(xy_[std::size_t(r)].y());
    }
    const auto [x0, x1] = paddedRange(xs);
    const auto [y0, y1] = paddedRange(ys);
    return QRectF(QPointF(x0, y0), QPointF(x1, y1));
}

void UmapScatterPlot::paintPlot(QPainter& p, const QRectF& area) const
{
    if (xy_.empty()) {
        p.setPen(QColor(90, 90, 90));
        p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
                   message_.isEmpty() ? tr("No embedding: profile cells or open a feature table") : message_);
        return;
    }
    const PlotAxes axes = axesIn(area);
    const bool numeric = !values_.empty();
    double lo = 0, hi = 1;
    if (numeric) {
        std::vector<double> vs;
        for (int r : shown_)
            vs.push_back(values_[std::size_t(r)]);
        std::tie(lo, hi) = paddedRange(vs, 0.0);
    }
    const QString title = numeric ? tr("UMAP of %1 cell rows, coloured by %2").arg(shown_.size()).arg(feature_)
                                  : tr("UMAP of %1 cell rows, coloured by condition").arg(shown_.size());
    axes.draw(p, title, tr("UMAP 1"), tr("UMAP 2"));
    auto colourOf = [&](int r) {
        if (numeric)
            return viridis((values_[std::size_t(r)] - lo) / (hi - lo));
        if (!category_.empty())
            return categoryColor(category_[std::size_t(r)]);
        return QColor(0, 114, 178);
    };
    p.save();
    p.setClipRect(axes.area().adjusted(-6, -6, 6, 6));
    // Unselected first, selected on top and larger, so the selection is never hidden.
    for (int pass = 0; pass < 2; ++pass)
        for (int r : shown_) {
            const bool sel = isSelected(r);
            if (sel != (pass == 1))
                continue;
            QColor c = colourOf(r);
            if (!selection().empty() && !sel)
                c.setAlphaF(0.5);
            const QPointF q = axes.map(xy_[std::size_t(r)].x(), xy_[std::size_t(r)].y());
            p.setBrush(c);
            p.setPen(sel ? QPen(QColor(220, 30, 30), 2.0) : QPen(c.darker(130), 0.6));
            const double rad = sel ? 5.5 : 3.5;
            p.drawEllipse(q, rad, rad);
        }
    p.restore();
    const QFontMetricsF fm(p.font());
    p.save();
    if (numeric) {
        // Colour bar: the feature's range in its unit.
        const QRectF bar(axes.area().right() + 24, axes.area().top() + 20, 14, axes.area().height() - 20);
        QLinearGradient g(bar.bottomLeft(), bar.topLeft());
        for (int i = 0; i <= 8; ++i)
            g.setColorAt(i / 8.0, viridis(i / 8.0));
        p.setPen(QPen(QColor(40, 40, 40), 0.8));
        p.setBrush(g);
        p.drawRect(bar);
        const auto ticks = niceTicks(lo, hi, 5);
        const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1;
        for (double v : ticks) {
            const double y = bar.bottom() - (v - lo) / (hi - lo) * bar.height();
            if (y < bar.top() - 0.5 || y > bar.bottom() + 0.5)
                continue;
            p.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 3, y));
            p.drawText(QRectF(bar.right() + 5, y - fm.height() / 2, 70, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                       tickLabel(v, step));
        }
        p.drawText(QRectF(bar.left() - 10, axes.area().top() - 2, 100, fm.height()), Qt::AlignLeft,
                   unit_.isEmpty() ? tr("(no unit)") : unit_);
    } else if (!categories_.isEmpty()) {
        double y = axes.area().top() + 4;
        for (int i = 0; i < categories_.size(); ++i) {
            p.setPen(QPen(categoryColor(i).darker(130), 0.6));
            p.setBrush(categoryColor(i));
            p.drawEllipse(QPointF(axes.area().right() + 22, y + fm.height() / 2), 4.5, 4.5);
            p.setPen(QColor(40, 40, 40));
            p.drawText(QRectF(axes.area().right() + 32, y, 200, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                       categories_[i]);
            y += fm.height() + 6;
        }
    }
    if (dragging_ && lasso_.size() > 1) {
        p.setPen(QPen(QColor(220, 30, 30), 1.2, Qt::DashLine));
        p.setBrush(QColor(220, 30, 30, 25));
        p.drawPolygon(lasso_);
    }
    p.restore();
}

PlotAxes UmapScatterPlot::axesIn(const QRectF& area) const
{
    const QRectF d = dataRect();
    return PlotAxes(area, d.left(), d.right(), d.top(), d.bottom(), rightMargin());
}

QPointF UmapScatterPlot::pixelOf(int row) const
{
    return axesIn(QRectF(rect())).map(xy_.at(std::size_t(row)).x(), xy_.at(std::size_t(row)).y());
}

std::vector<int> UmapScatterPlot::rowsInside(const QPolygonF& pixels) const
{
    // One frame for all points: a lasso over tens of thousands of cells stays instant.
    const PlotAxes axes = axesIn(QRectF(rect()));
    std::vector<int> rows;
    for (int r : shown_)
        if (pixels.containsPoint(axes.map(xy_[std::size_t(r)].x(), xy_[std::size_t(r)].y()), Qt::OddEvenFill))
            rows.push_back(r);
    return rows;
}

int UmapScatterPlot::nearestRow(const QPointF& pixel, double maxDistance) const
{
    const PlotAxes axes = axesIn(QRectF(rect()));
    int best = -1;
    double bestD = maxDistance * maxDistance;
    for (int r : shown_) {
        const QPointF d = axes.map(xy_[std::size_t(r)].x(), xy_[std::size_t(r)].y()) - pixel;
        const double dd = QPointF::dotProduct(d, d);
        if (dd <= bestD) {
            bestD = dd;
            best = r;
        }
    }
    return best;
}

void UmapScatterPlot::mousePressEvent(QMouseEvent* e)
{
    if (e->button() != Qt::LeftButton || xy_.empty())
        return;
    dragging_ = true;
    lasso_ = QPolygonF({e->position()});
}

void UmapScatterPlot::mouseMoveEvent(QMouseEvent* e)
{
    if (!dragging_)
        return;
    lasso_ << e->position();
    update();
}

void UmapScatterPlot::mouseReleaseEvent(QMouseEvent* e)
{
    if (!dragging_)
        return;
    dragging_ = false;
    const bool additive = e->modifiers() & Qt::ShiftModifier;
    std::vector<int> current;
    if (additive)
        current = selection();
    const QRectF extent = lasso_.boundingRect();
    std::vector<int> picked;
    if (extent.width() < 4 && extent.height() < 4) {
        const int r = nearestRow(e->position(), 8);
        if (r >= 0) {
            auto it = std::find(current.begin(), current.end(), r);
            if (additive && it != current.end())
                current.erase(it);  // Shift+click on a selected point deselects it
            else
                picked.push_back(r);
        }
    } else {
        picked = rowsInside(lasso_);
    }
    lasso_.clear();
    for (int r : picked)
        if (std::find(current.begin(), current.end(), r) == current.end())
            current.push_back(r);
    std::sort(current.begin(), current.end());
    update();
    Q_EMIT selectionEdited(current);
}

} // namespace rfx::ui
