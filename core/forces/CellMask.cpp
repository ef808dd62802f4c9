#include "core/forces/CellMask.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/segmentation/Thresholding.h"
#include "core/synth/SynthFilters.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {
bool atMostTwoValues(const Volume& v)
{
    std::set<double> seen;
    for (std::size_t i = 0; i < v.values(); ++i) {
        seen.insert(v.valueAt(i));
        if (seen.size() > 2)
            return false;
    }
    return true;
}

// Keeps the largest 6-connected component of a binary mask.
void keepLargestComponent(Volume& mask)
{
    const Grid& g = mask.grid();
    std::uint8_t* m = mask.data<std::uint8_t>();
    std::vector<std::int32_t> label(g.voxels(), 0);
    std::vector<std::size_t> stack, sizes{0};
    const std::ptrdiff_t sx = 1, sy = static_cast<std::ptrdiff_t>(g.shape[2]), sz = sy * static_cast<std::ptrdiff_t>(g.shape[1]);
    for (std::size_t seed = 0; seed < g.voxels(); ++seed) {
        if (!m[seed] || label[seed])
            continue;
        const auto id = static_cast<std::int32_t>(sizes.size());
        std::size_t size = 0;
        stack.push_back(seed);
        label[seed] = id;
        while (!stack.empty()) {
            const std::size_t i = stack.back();
            stack.pop_back();
            ++size;
            const std::size_t x = i % g.shape[2], y = (i / g.shape[2]) % g.shape[1], z = i / (g.shape[2] * g.shape[1]);
            const bool ok[6] = {x > 0, x + 1 < g.shape[2], y > 0, y + 1 < g.shape[1], z > 0, z + 1 < g.shape[0]};
            const std::ptrdiff_t off[6] = {-sx, sx, -sy, sy, -sz, sz};
            for (int k = 0; k < 6; ++k) {
                if (!ok[k])
                    continue;
                const std::size_t j = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(i) + off[k]);
                if (m[j] && !label[j]) {
                    label[j] = id;
                    stack.push_back(j);
                }
            }
        }
        sizes.push_back(size);
    }
    const auto best = static_cast<std::int32_t>(std::max_element(sizes.begin(), sizes.end()) - sizes.begin());
    for (std::size_t i = 0; i < g.voxels(); ++i)
        m[i] = label[i] == best && best > 0 ? 1 : 0;
}
} // namespace

Volume cellMaskFromImage(const Volume& image, bool treatAsLabels)
{
    if (image.components() != 1)
        throw InputError("the cell mask must be a scalar volume");
    Volume mask = Volume::zeros<std::uint8_t>(image.grid());
    std::uint8_t* m = mask.data<std::uint8_t>();
    if (treatAsLabels || atMostTwoValues(image)) {
        for (std::size_t i = 0; i < image.voxels(); ++i)
            m[i] = image.valueAt(i) != 0 ? 1 : 0;
    } else {
        Volume f = image.type() == VoxelType::Float32 ? image : image.toFloat();
        synth::gaussianBlur3D(f.data<float>(), f.shape(), {1.0, 1.0, 1.0});
        const double t = otsuThreshold(f);
        const float* d = f.data<float>();
        for (std::size_t i = 0; i < f.voxels(); ++i)
            m[i] = d[i] > t ? 1 : 0;
        keepLargestComponent(mask);
    }
    if (std::find(m, m + mask.voxels(), 1) == m + mask.voxels())
        throw InputError("the cell mask is empty");
    return mask;
}

} // namespace rfx
