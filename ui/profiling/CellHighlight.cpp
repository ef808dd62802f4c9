#include "ui/profiling/CellHighlight.h"

#include <algorithm>
#include <cmath>

namespace rfx::ui {

VolumePtr cellHighlightVolume(const Volume& labels, const std::vector<int>& ids)
{
    // Float, because the compositor reads float volumes without a conversion copy.
    auto mask = std::make_shared<Volume>(Volume::zeros<float>(labels.grid()));
    if (ids.empty())
        return mask;
    std::vector<int> sorted = ids;
    std::sort(sorted.begin(), sorted.end());
    const int maxId = sorted.back();
    std::vector<char> wanted(std::size_t(std::max(0, maxId)) + 1, 0);
    for (int id : sorted)
        if (id > 0)
            wanted[std::size_t(id)] = 1;
    float* out = mask->data<float>();
    const std::size_t n = labels.voxels();
    for (std::size_t i = 0; i < n; ++i) {
        const double v = labels.valueAt(i);
        if (v > 0 && v <= maxId && wanted[std::size_t(v)])
            out[i] = 1.f;
    }
    return mask;
}

int labelAt(const Volume& labels, const std::array<double, 3>& xyz_um)
{
    const Grid& g = labels.grid();
    std::array<std::size_t, 3> idx{};
    for (int a = 0; a < 3; ++a) {  // grid axes are (z, y, x); the position is (x, y, z)
        const double v = std::round((xyz_um[std::size_t(2 - a)] - g.origin_um[std::size_t(a)]) / g.spacing_um[std::size_t(a)]);
        if (v < 0 || v >= double(g.shape[std::size_t(a)]))
            return 0;
        idx[std::size_t(a)] = std::size_t(v);
    }
    return int(labels.valueAt(g.index(idx[0], idx[1], idx[2])));
}

std::optional<std::array<double, 3>> firstLabelledPoint(const Volume& labels, const std::array<double, 3>& from,
                                                        const std::array<double, 3>& to)
{
    const Grid& g = labels.grid();
    // Clip the segment to the volume's box (slab method) so the walk covers only the data.
    double t0 = 0, t1 = 1;
    for (int a = 0; a < 3; ++a) {
        const auto ga = std::size_t(2 - a);  // grid axes are (z, y, x)
        const double lo = g.origin_um[ga] - 0.5 * g.spacing_um[ga];
        const double hi = g.origin_um[ga] + (double(g.shape[ga]) - 0.5) * g.spacing_um[ga];
        const double d = to[std::size_t(a)] - from[std::size_t(a)];
        if (std::abs(d) < 1e-12) {
            if (from[std::size_t(a)] < lo || from[std::size_t(a)] > hi)
                return std::nullopt;
            continue;
        }
        double ta = (lo - from[std::size_t(a)]) / d, tb = (hi - from[std::size_t(a)]) / d;
        if (ta > tb)
            std::swap(ta, tb);
        t0 = std::max(t0, ta);
        t1 = std::min(t1, tb);
    }
    if (t0 > t1)
        return std::nullopt;
    double length = 0;
    for (int a = 0; a < 3; ++a)
        length += (to[std::size_t(a)] - from[std::size_t(a)]) * (to[std::size_t(a)] - from[std::size_t(a)]);
    length = std::sqrt(length);
    const double step = 0.5 * std::min({g.spacing_um[0], g.spacing_um[1], g.spacing_um[2]});
    if (length <= 0)
        return std::nullopt;
    for (double t = t0; t <= t1; t += step / length) {
        const std::array<double, 3> p = {from[0] + t * (to[0] - from[0]), from[1] + t * (to[1] - from[1]),
                                         from[2] + t * (to[2] - from[2])};
        if (labelAt(labels, p) > 0)
            return p;
    }
    return std::nullopt;
}

} // namespace rfx::ui
