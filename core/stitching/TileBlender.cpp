#include "core/stitching/TileBlender.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/evaluation/FloatVoxels.h"

namespace rfx {

std::vector<float> featherRamp(std::size_t length, double width)
{
    std::vector<float> w(length, 1.f);
    if (width <= 0)
        return w;
    for (std::size_t i = 0; i < length; ++i) {
        // +0.5: border voxels keep a small positive weight, so a voxel only one tile covers is still defined.
        const double d = std::min(double(i), double(length - 1 - i)) + 0.5;
        w[i] = float(0.5 - 0.5 * std::cos(M_PI * std::min(1.0, d / width)));
    }
    return w;
}

Volume blendTiles(const BlendInputs& in, const ProgressFn& progress, const CancelToken& cancel)
{
    const auto& shape = in.grid.shape;
    const std::size_t total = in.grid.voxels();
    std::vector<float> acc(total, 0.f), weight(total, 0.f);
    Volume out = in.labels ? Volume::zeros<std::int32_t>(in.grid) : Volume::zeros<float>(in.grid);

    for (std::size_t t = 0; t < in.tiles.size(); ++t) {
        cancel.check();
        const Volume& tile = *in.tiles[t].volume;
        if (tile.components() != 1)
            throw std::invalid_argument("blendTiles: tiles must be scalar");
        const auto& ts = tile.shape();
        const auto& off = in.tiles[t].offset;
        const auto wz = featherRamp(ts[0], in.featherWidth[0]), wy = featherRamp(ts[1], in.featherWidth[1]),
                   wx = featherRamp(ts[2], in.featherWidth[2]);
        FloatVoxels values(tile);
        long lo[3], hi[3];
        for (int d = 0; d < 3; ++d) {
            lo[d] = std::max(0L, -off[d]);
            hi[d] = std::min(long(ts[d]), long(shape[d]) - off[d]);
        }
        for (long z = lo[0]; z < hi[0]; ++z)
            for (long y = lo[1]; y < hi[1]; ++y) {
                const float wzy = wz[z] * wy[y];
                const std::size_t src = (std::size_t(z) * ts[1] + std::size_t(y)) * ts[2];
                const std::size_t dst = in.grid.index(std::size_t(z + off[0]), std::size_t(y + off[1]), 0) + off[2];
                for (long x = lo[2]; x < hi[2]; ++x) {
                    const float w = wzy * wx[x];
                    const float v = values[src + std::size_t(x)];
                    const std::size_t o = dst + std::size_t(x);
                    if (in.labels) {
                        if (w > weight[o]) {
                            weight[o] = w;
                            acc[o] = v;
                        }
                    } else {
                        acc[o] += w * v;
                        weight[o] += w;
                    }
                }
            }
        if (progress)
            progress(double(t + 1) / double(in.tiles.size()), "blend");
    }
    if (in.labels) {
        auto* o = out.data<std::int32_t>();
        for (std::size_t i = 0; i < total; ++i)
            o[i] = weight[i] > 0 ? std::int32_t(std::lround(acc[i])) : std::int32_t(std::lround(in.fill));
    } else {
        float* o = out.data<float>();
        for (std::size_t i = 0; i < total; ++i)
            o[i] = weight[i] > 0 ? acc[i] / weight[i] : in.fill;
    }
    return out;
}

} // namespace rfx
