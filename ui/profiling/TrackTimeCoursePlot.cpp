#include "ui/profiling/TrackTimeCoursePlot.h"

#include <QFontMetricsF>
#include <QPainter>
#include <algorithm>
#include <cmath>

#include "ui/profiling/ColorScales.h"
#include "ui/profiling/PlotAxes.h"

namespace rfx::ui {

TrackTimeCoursePlot::TrackTimeCoursePlot(QWidget* parent) : PlotCanvas(parent)
{
    setObjectName("timeCoursePlot");
    setWindowTitle(tr("Time course"));
}

void TrackTimeCoursePlot::setData(std::vector<TrackSeries> tracks, const QString& feature, const QString& unit,
                                  const QString& note)
{
    tracks_ = std::move(tracks);
    setLabels(feature, unit, note);
}

void TrackTimeCoursePlot::paintPlot(QPainter& p, const QRectF& area) const
{
    std::vector<double> ts, vs;
    for (const auto& t : tracks_) {
        ts.insert(ts.end(), t.times_s.begin(), t.times_s.end());
        vs.insert(vs.end(), t.values.begin(), t.values.end());
    }
    if (ts.empty()) {
        p.setPen(QColor(90, 90, 90));
        p.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, note_.isEmpty() ? tr("No tracked cells") : note_);
        return;
    }
    // Time in the unit that keeps the numbers readable.
    const double tmax = *std::max_element(ts.begin(), ts.end());
    const double scale = tmax >= 7200 ? 3600 : tmax >= 120 ? 60 : 1;
    const QString tunit = scale == 3600 ? "h" : scale == 60 ? "min" : "s";
    for (double& t : ts)
        t /= scale;
    const auto [x0, x1] = paddedRange(ts, 0.03);
    const auto [y0, y1] = paddedRange(vs);
    const QFontMetricsF fm(p.font());
    double labelWidth = 60;
    for (const auto& t : tracks_)
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(t.label));
    const PlotAxes axes(area.adjusted(0, 0, 0, note_.isEmpty() ? 0 : -fm.height() - 4), x0, x1, y0, y1,
                        std::min(labelWidth, 180.0) + 14);
    const QString yTitle = unit_.isEmpty() ? feature_ : QString("%1 (%2)").arg(feature_, unit_);
    axes.draw(p, tr("%1 over time, %2 tracks").arg(feature_).arg(tracks_.size()), tr("time (%1)").arg(tunit), yTitle);
    auto trackSelected = [&](const TrackSeries& t) {
        return std::any_of(t.rows.begin(), t.rows.end(), [&](int r) { return isSelected(r); });
    };
    p.save();
    p.setClipRect(area);
    int colour = 0;
    for (int pass = 0; pass < 2; ++pass)
        for (const auto& t : tracks_) {
            const bool sel = trackSelected(t);
            if (sel != (pass == 1))
                continue;
            const QColor c = sel ? categoryColor(colour++) : QColor(170, 170, 170);
            QPolygonF line;
            for (std::size_t k = 0; k < t.times_s.size(); ++k)
                line << axes.map(t.times_s[k] / scale, t.values[k]);
            p.setPen(QPen(c, sel ? 2.2 : 1.0));
            p.setBrush(Qt::NoBrush);
            p.drawPolyline(line);
            p.setBrush(c);
            for (const QPointF& q : line)
                p.drawEllipse(q, sel ? 3.0 : 1.6, sel ? 3.0 : 1.6);
            if (sel && !line.isEmpty())
                p.drawText(QRectF(axes.area().right() + 6, line.back().y() - fm.height() / 2, 180, fm.height()),
                           Qt::AlignLeft | Qt::AlignVCenter, t.label.isEmpty() ? tr("track %1").arg(t.trackId) : t.label);
        }
    p.restore();
    p.setPen(QColor(100, 100, 100));
    p.drawText(QRectF(area.left() + 8, area.bottom() - fm.height() - 2, area.width() - 16, fm.height()),
               Qt::AlignLeft | Qt::AlignVCenter, note_);
}

} // namespace rfx::ui
