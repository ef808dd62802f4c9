#pragma once
// Interactive opacity transfer function for a layer (RI above all): the layer's histogram over
// its contrast window, under a piecewise-linear opacity curve. Drag a point to move it, click
// empty space to add one, right-click (or double-click) a point to remove it; the end points
// stay at the window's edges.
#include <QWidget>
#include <vector>

#include "render/LayerStyle.h"

namespace rfx::ui {

class TransferFunctionEditor : public QWidget {
    Q_OBJECT
public:
    explicit TransferFunctionEditor(QWidget* parent = nullptr);

    void setCurve(const std::vector<render::CurvePoint>& curve);
    const std::vector<render::CurvePoint>& curve() const { return curve_; }
    // Counts per equal-width bin across the window (drawn on a log scale).
    void setHistogram(const std::vector<double>& counts);
    QSize sizeHint() const override { return {260, 110}; }

    // Widget position of a curve point (tests drive the editor with real mouse events).
    QPointF pointPosition(int index) const;

Q_SIGNALS:
    void curveChanged(const std::vector<render::CurvePoint>& curve);

protected:
    void paintEvent(QPaintEvent* e) override;
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseDoubleClickEvent(QMouseEvent* e) override;

private:
    QRectF plotRect() const;
    render::CurvePoint fromWidget(const QPointF& p) const;
    int hit(const QPointF& p) const;
    void removePoint(int index);

    std::vector<render::CurvePoint> curve_;
    std::vector<double> histogram_;
    int dragging_ = -1;
};

} // namespace rfx::ui
