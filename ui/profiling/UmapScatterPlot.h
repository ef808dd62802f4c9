#pragma once
// The UMAP scatter: one point per cell (table row), coloured by a feature (viridis with a colour
// bar in the feature's unit) or by condition (legend). Click selects the nearest point, Shift+click
// toggles it, dragging draws a lasso that selects the points inside (Shift adds to the selection);
// a click on empty space clears it.
#include <QPolygonF>
#include <QStringList>
#include <vector>

#include "ui/profiling/PlotAxes.h"
#include "ui/profiling/PlotCanvas.h"

namespace rfx::ui {

class UmapScatterPlot : public PlotCanvas {
    Q_OBJECT
public:
    explicit UmapScatterPlot(QWidget* parent = nullptr);

    // xy[i] is row i's embedding; `shown` lists the rows to draw (the filter's rows).
    void setPoints(std::vector<QPointF> xy, std::vector<int> shown);
    void setNumericColours(std::vector<double> values, const QString& name, const QString& unit);
    void setCategoricalColours(std::vector<int> category, const QStringList& names);
    void setMessage(const QString& text);  // shown instead of the plot (no embedding yet)

    void paintPlot(QPainter& p, const QRectF& area) const override;

    // Rows inside a polygon given in widget pixels (as the lasso selects them).
    std::vector<int> rowsInside(const QPolygonF& pixels) const;
    // Widget pixel position of row i (tests, picking).
    QPointF pixelOf(int row) const;

Q_SIGNALS:
    void selectionEdited(const std::vector<int>& rows);

protected:
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;

private:
    QRectF dataRect() const;
    PlotAxes axesIn(const QRectF& area) const;
    double rightMargin() const;
    int nearestRow(const QPointF& pixel, double maxDistance) const;

    std::vector<QPointF> xy_;
    std::vector<int> shown_;
    std::vector<double> values_;
    std::vector<int> category_;
    QStringList categories_;
    QString message_;
    QPolygonF lasso_;
    bool dragging_ = false;
};

} // namespace rfx::ui
