#pragma once
// Time courses of one feature per tracked cell: one line per track over time. Tracks holding a
// selected cell are drawn in colour and labelled, the others in light grey for context.
#include <vector>

#include "ui/profiling/PlotCanvas.h"

namespace rfx::ui {

struct TrackSeries {
    int trackId = 0;
    QString label;  // "track 3", or "treated: track 3" when the table holds several conditions
    std::vector<double> times_s;
    std::vector<double> values;
    std::vector<int> rows;
};

class TrackTimeCoursePlot : public PlotCanvas {
    Q_OBJECT
public:
    explicit TrackTimeCoursePlot(QWidget* parent = nullptr);

    void setData(std::vector<TrackSeries> tracks, const QString& feature, const QString& unit, const QString& note);
    const std::vector<TrackSeries>& tracks() const { return tracks_; }

    void paintPlot(QPainter& p, const QRectF& area) const override;

private:
    std::vector<TrackSeries> tracks_;
};

} // namespace rfx::ui
