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

} // namespace rfx::ui
