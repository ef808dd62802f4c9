#pragma once
// Base of the profiling plots: each plot paints itself with QPainter into any rectangle, so the
// same code draws the widget and the exported PNG, SVG or PDF figure.
#include <QSize>
#include <QWidget>
#include <vector>

namespace rfx::ui {

class PlotCanvas : public QWidget {
    Q_OBJECT
public:
    explicit PlotCanvas(QWidget* parent = nullptr);

    // Paints the plot into `area` (device-independent coordinates).
    virtual void paintPlot(QPainter& p, const QRectF& area) const = 0;
    // Writes the plot as PNG (at 2x for print), SVG or PDF, chosen by the extension, atomically.
    // False with *error set for an unknown extension or an unwritable destination.
    bool exportTo(const QString& path, QString* error = nullptr, QSize size = {}) const;

    // Table rows drawn as selected (the panel's shared selection).
    void setSelection(const std::vector<int>& rows);
    const std::vector<int>& selection() const { return selection_; }

protected:
    void paintEvent(QPaintEvent* e) override;
    bool isSelected(int row) const;
    // The feature shown, its unit, and a footnote under the plot (method, or why it is empty).
    void setLabels(const QString& feature, const QString& unit, const QString& note);
    QString feature_, unit_, note_;

private:
    std::vector<int> selection_;  // sorted
};

} // namespace rfx::ui
