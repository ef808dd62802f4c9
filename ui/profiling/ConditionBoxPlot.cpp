#include "ui/profiling/ConditionBoxPlot.h"

#include <QFontMetricsF>
#include <QPainter>
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "ui/profiling/ColorScales.h"
#include "ui/profiling/PlotAxes.h"

namespace rfx::ui {

namespace {

// Linear-interpolation quantile of sorted values (R type 7, numpy's default).
double quantile(const std::vector<double>& sorted, double q)
{
    if (sorted.empty())
        return NAN;
    const double pos = q * double(sorted.size() - 1);
    const auto i = static_cast<std::size_t>(pos);
    const double f = pos - double(i);
    return i + 1 < sorted.size() ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
}

// Deterministic jitter in [-1, 1] from the row, so exports match the screen.
double jitter(int row)
{
    const auto h = static_cast<std::uint32_t>(row) * 2654435761u;
    return double(h % 1000) / 500.0 - 1.0;
}

} // namespace

QString significanceMark(double pAdj)
{
    if (!std::isfinite(pAdj))
        return "n/a";
    if (pAdj < 0.001)
        return "***";
    if (pAdj < 0.01)
        return "**";
    if (pAdj < 0.05)
        return "*";
    return "ns";
}

ConditionBoxPlot::ConditionBoxPlot(QWidget* parent) : PlotCanvas(parent)
{
    setObjectName("boxPlot");
    setWindowTitle(tr("Box plot"));
}

void ConditionBoxPlot::setData(std::vector<ConditionGroup> groups, const QString& feature, const QString& unit,
                               const QString& note)
{
    groups_ = std::move(groups);
    setLabels(feature, unit, note);
}

void ConditionBoxPlot::paintPlot(QPainter& p, const QRectF& area) const
{
    if (groups_.empty()) {
        p.setPen(QColor(90, 90, 90));
        p.drawText(area, Qt::AlignCenter, tr("No cells to plot"));
        return;
    }
    const QFontMetricsF fm(p.font());
    std::vector<double> all;
    for (const auto& g : groups_)
        all.insert(all.end(), g.values.begin(), g.values.end());
    auto [lo, hi] = paddedRange(all);
    // Headroom for the significance brackets, one level per compared condition.
    const int tested = int(std::count_if(groups_.begin(), groups_.end(), [](const auto& g) { return !g.mark.isEmpty(); }));
    const double span = hi - lo;
    const double levelHeight = 0.09 * span;
    const double top = hi + levelHeight * (tested + 0.3);
    const double n = double(groups_.size());
    const PlotAxes axes(area.adjusted(0, 0, 0, -fm.height() - 4), -0.5, n - 0.5, lo, top);
    const QString yTitle = unit_.isEmpty() ? feature_ : QString("%1 (%2)").arg(feature_, unit_);
    axes.draw(p, tr("%1 by condition").arg(feature_), QString(), yTitle, false);
    const double slot = axes.area().width() / n;
    const double halfBox = std::min(40.0, slot * 0.28);
    p.save();
    for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
        const ConditionGroup& g = groups_[gi];
        const double cx = axes.mapX(double(gi));
        const QColor c = categoryColor(int(gi));
        // Category label and n under the axis.
        p.setPen(QColor(40, 40, 40));
        p.drawText(QRectF(cx - slot / 2, axes.area().bottom() + 6, slot, fm.height()), Qt::AlignHCenter, g.name);
        p.setPen(QColor(100, 100, 100));
        p.drawText(QRectF(cx - slot / 2, axes.area().bottom() + 6 + fm.height(), slot, fm.height()), Qt::AlignHCenter,
                   tr("n = %1").arg(g.values.size()));
        std::vector<double> s = g.values;
        s.erase(std::remove_if(s.begin(), s.end(), [](double v) { return !std::isfinite(v); }), s.end());
        std::sort(s.begin(), s.end());
        if (s.empty())
            continue;
        const double q1 = quantile(s, 0.25), med = quantile(s, 0.5), q3 = quantile(s, 0.75);
        const double iqr = q3 - q1;
        const double wlo = *std::lower_bound(s.begin(), s.end(), q1 - 1.5 * iqr);
        const double whi = *(std::upper_bound(s.begin(), s.end(), q3 + 1.5 * iqr) - 1);
        QColor fill = c;
        fill.setAlphaF(0.25);
        p.setPen(QPen(c.darker(140), 1.4));
        p.drawLine(axes.map(gi, wlo), axes.map(gi, q1));
        p.drawLine(axes.map(gi, q3), axes.map(gi, whi));
        p.drawLine(QPointF(cx - halfBox / 2, axes.mapY(wlo)), QPointF(cx + halfBox / 2, axes.mapY(wlo)));
        p.drawLine(QPointF(cx - halfBox / 2, axes.mapY(whi)), QPointF(cx + halfBox / 2, axes.mapY(whi)));
        p.setBrush(fill);
        p.drawRect(QRectF(QPointF(cx - halfBox, axes.mapY(q3)), QPointF(cx + halfBox, axes.mapY(q1))));
        p.setPen(QPen(c.darker(170), 2.4));
        p.drawLine(QPointF(cx - halfBox, axes.mapY(med)), QPointF(cx + halfBox, axes.mapY(med)));
        // Every cell as a dot; the selected ones ringed in red on top.
        for (int pass = 0; pass < 2; ++pass)
            for (std::size_t k = 0; k < g.values.size(); ++k) {
                const bool sel = isSelected(g.rows[k]);
                if (sel != (pass == 1) || !std::isfinite(g.values[k]))
                    continue;
                const QPointF q(cx + jitter(g.rows[k]) * halfBox * 0.8, axes.mapY(g.values[k]));
                p.setPen(sel ? QPen(QColor(220, 30, 30), 1.8) : QPen(c.darker(150), 0.5));
                p.setBrush(sel ? QColor(220, 30, 30, 120) : QColor(c.red(), c.green(), c.blue(), 150));
                p.drawEllipse(q, sel ? 4.0 : 2.4, sel ? 4.0 : 2.4);
            }
    }
    // Brackets from the control (the group without a mark) to each tested group.
    const auto control = std::find_if(groups_.begin(), groups_.end(), [](const auto& g) { return g.mark.isEmpty(); });
    if (control != groups_.end()) {
        const double cxc = axes.mapX(double(control - groups_.begin()));
        int level = 0;
        p.setPen(QPen(QColor(30, 30, 30), 1.2));
        QFont bold = p.font();
        bold.setBold(true);
        for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
            if (groups_[gi].mark.isEmpty())
                continue;
            const double y = axes.mapY(hi + levelHeight * (level + 0.6));
            const double x = axes.mapX(double(gi));
            p.drawLine(QPointF(cxc, y + 5), QPointF(cxc, y));
            p.drawLine(QPointF(cxc, y), QPointF(x, y));
            p.drawLine(QPointF(x, y), QPointF(x, y + 5));
            p.save();
            p.setFont(bold);
            // The mark, and the adjusted p it stands for, so a reader can judge "ns" and "*" alike.
            const QString pText = std::isfinite(groups_[gi].pAdj)
                                      ? QString("  (p_adj = %1)").arg(groups_[gi].pAdj, 0, 'g', 2)
                                      : QString();
            p.drawText(QRectF(std::min(cxc, x), y - fm.height() - 1, std::abs(x - cxc), fm.height()),
                       Qt::AlignHCenter | Qt::AlignBottom, groups_[gi].mark + pText);
            p.restore();
            ++level;
        }
    }
    p.setPen(QColor(100, 100, 100));
    p.drawText(QRectF(area.left() + 8, area.bottom() - fm.height() - 2, area.width() - 16, fm.height()),
               Qt::AlignLeft | Qt::AlignVCenter, note_);
    p.restore();
}

} // namespace rfx::ui
