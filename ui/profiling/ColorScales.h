#pragma once
// Colours of the profiling plots: viridis for continuous features (perceptually uniform, readable
// in grey and by colour-blind readers) and the Okabe–Ito palette for conditions.
#include <QColor>

namespace rfx::ui {

// t in [0, 1] (clamped); NaN gives grey.
QColor viridis(double t);
// Category i (wraps after eight).
QColor categoryColor(int i);

} // namespace rfx::ui
