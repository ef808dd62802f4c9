#include "ui/TransferFunctionEditor.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace rfx::ui {

TransferFunctionEditor::TransferFunctionEditor(QWidget* parent) : QWidget(parent)
{
    setMinimumHeight(90);
    setMouseTracking(false);
    setToolTip(tr("Opacity transfer function over the contrast window.\nDrag points; click to add; "
                  "right-click or double-click to remove."));
    curve_ = {{0, 0}, {1, 1}};
}

void TransferFunctionEditor::setCurve(const std::vector<render::CurvePoint>& curve)
{
    curve_ = curve.size() >= 2 ? curve : std::vector<render::CurvePoint>{{0, 0}, {1, 1}};
    update();
}

void TransferFunctionEditor::setHistogram(const std::vector<double>& counts)
{
    histogram_ = counts;
    update();
}

QRectF TransferFunctionEditor::plotRect() const { return QRectF(6, 6, width() - 12, height() - 12); }

QPointF TransferFunctionEditor::pointPosition(int index) const
{
    const QRectF r = plotRect();
    const auto& p = curve_.at(static_cast<std::size_t>(index));
    return {r.left() + p.x * r.width(), r.bottom() - p.opacity * r.height()};
}

render::CurvePoint TransferFunctionEditor::fromWidget(const QPointF& p) const
{
    const QRectF r = plotRect();
    return {std::clamp((p.x() - r.left()) / r.width(), 0.0, 1.0), std::clamp((r.bottom() - p.y()) / r.height(), 0.0, 1.0)};
}

int TransferFunctionEditor::hit(const QPointF& p) const
{
    for (int i = 0; i < static_cast<int>(curve_.size()); ++i)
        if (QLineF(pointPosition(i), p).length() <= 7)
            return i;
    return -1;
}

void TransferFunctionEditor::paintEvent(QPaintEvent*)
{
    QPainter g(this);
    g.setRenderHint(QPainter::Antialiasing);
    const QRectF r = plotRect();
    g.fillRect(rect(), QColor(30, 30, 36));
    if (!histogram_.empty()) {
        const double peak = std::log1p(*std::max_element(histogram_.begin(), histogram_.end()));
        const double bw = r.width() / double(histogram_.size());
        g.setPen(Qt::NoPen);
        g.setBrush(QColor(90, 90, 110));
        for (std::size_t i = 0; i < histogram_.size(); ++i) {
            const double h = peak > 0 ? std::log1p(histogram_[i]) / peak * r.height() : 0;
            g.drawRect(QRectF(r.left() + double(i) * bw, r.bottom() - h, bw + 0.5, h));
        }
    }
    QPainterPath path;
    for (int i = 0; i < static_cast<int>(curve_.size()); ++i)
        i == 0 ? path.moveTo(pointPosition(i)) : path.lineTo(pointPosition(i));
    g.setPen(QPen(QColor(255, 210, 60), 2));
    g.setBrush(Qt::NoBrush);
    g.drawPath(path);
    g.setBrush(QColor(255, 210, 60));
    g.setPen(QPen(Qt::black, 1));
    for (int i = 0; i < static_cast<int>(curve_.size()); ++i)
        g.drawEllipse(pointPosition(i), 4.5, 4.5);
    g.setPen(QColor(120, 120, 130));
    g.setBrush(Qt::NoBrush);
    g.drawRect(r);
}

void TransferFunctionEditor::removePoint(int index)
{
    if (index <= 0 || index >= static_cast<int>(curve_.size()) - 1)
        return;  // end points stay
    curve_.erase(curve_.begin() + index);
    update();
    Q_EMIT curveChanged(curve_);
}

void TransferFunctionEditor::mousePressEvent(QMouseEvent* e)
{
    const int i = hit(e->position());
    if (e->button() == Qt::RightButton) {
        removePoint(i);
        return;
    }
    if (e->button() != Qt::LeftButton)
        return;
    if (i >= 0) {
        dragging_ = i;
        return;
    }
    const render::CurvePoint p = fromWidget(e->position());
    auto at = std::upper_bound(curve_.begin(), curve_.end(), p.x,
                               [](double x, const render::CurvePoint& c) { return x < c.x; });
    if (at == curve_.begin() || at == curve_.end())
        return;
    dragging_ = static_cast<int>(curve_.insert(at, p) - curve_.begin());
    update();
    Q_EMIT curveChanged(curve_);
}

void TransferFunctionEditor::mouseMoveEvent(QMouseEvent* e)
{
    if (dragging_ < 0)
        return;
    render::CurvePoint p = fromWidget(e->position());
    const auto n = static_cast<int>(curve_.size());
    // Points keep their order; end points move only vertically.
    if (dragging_ == 0)
        p.x = 0;
    else if (dragging_ == n - 1)
        p.x = 1;
    else
        p.x = std::clamp(p.x, curve_[dragging_ - 1].x + 1e-3, curve_[dragging_ + 1].x - 1e-3);
    curve_[static_cast<std::size_t>(dragging_)] = p;
    update();
    Q_EMIT curveChanged(curve_);
}

void TransferFunctionEditor::mouseReleaseEvent(QMouseEvent*) { dragging_ = -1; }

void TransferFunctionEditor::mouseDoubleClickEvent(QMouseEvent* e) { removePoint(hit(e->position())); }

} // namespace rfx::ui
