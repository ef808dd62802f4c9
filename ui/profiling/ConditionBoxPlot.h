#pragma once
// Box plots of one feature per condition (median, quartiles, whiskers to the furthest point
// within 1.5 IQR, every cell as a jittered dot) with the significance of each condition against
// the control from core's Welch t-test, BH-adjusted: *** p < 0.001, ** p < 0.01, * p < 0.05, ns.
#include <QStringList>
#include <vector>

#include "ui/profiling/PlotCanvas.h"

namespace rfx::ui {

struct ConditionGroup {
    QString name;
    std::vector<double> values;
    std::vector<int> rows;  // table row of each value
    QString mark;           // significance against the control; empty for the control itself
    double pAdj = 0;        // the BH-adjusted Welch p behind the mark (NaN when not tested)
};

// "***", "**", "*", "ns" for an adjusted p; "n/a" for NaN.
QString significanceMark(double pAdj);

class ConditionBoxPlot : public PlotCanvas {
    Q_OBJECT
public:
    explicit ConditionBoxPlot(QWidget* parent = nullptr);

    void setData(std::vector<ConditionGroup> groups, const QString& feature, const QString& unit, const QString& note);
    const std::vector<ConditionGroup>& groups() const { return groups_; }

    void paintPlot(QPainter& p, const QRectF& area) const override;

private:
    std::vector<ConditionGroup> groups_;
};

} // namespace rfx::ui
