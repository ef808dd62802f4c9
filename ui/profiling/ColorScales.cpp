#include "ui/profiling/ColorScales.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace rfx::ui {

QColor viridis(double t)
{
    if (!std::isfinite(t))
        return QColor(160, 160, 160);
    // Nine samples of matplotlib's viridis, linearly interpolated.
    static const std::array<std::array<int, 3>, 9> stops = {{{68, 1, 84},
                                                             {71, 44, 122},
                                                             {59, 81, 139},
                                                             {44, 113, 142},
                                                             {33, 144, 141},
                                                             {39, 173, 129},
                                                             {92, 200, 99},
                                                             {170, 220, 50},
                                                             {253, 231, 37}}};
    t = std::clamp(t, 0.0, 1.0) * double(stops.size() - 1);
    const auto i = std::min<std::size_t>(static_cast<std::size_t>(t), stops.size() - 2);
    const double f = t - double(i);
    auto mix = [&](int k) { return int(std::lround(stops[i][k] * (1 - f) + stops[i + 1][k] * f)); };
    return QColor(mix(0), mix(1), mix(2));
}

QColor categoryColor(int i)
{
    static const std::array<QColor, 8> okabeIto = {QColor(0, 114, 178),  QColor(230, 159, 0),  QColor(0, 158, 115),
                                                   QColor(204, 121, 167), QColor(86, 180, 233), QColor(213, 94, 0),
                                                   QColor(240, 228, 66),  QColor(0, 0, 0)};
    return okabeIto[static_cast<std::size_t>(((i % 8) + 8) % 8)];
}

} // namespace rfx::ui
