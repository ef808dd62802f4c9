#include "core/prediction/Resample.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rfx {

std::array<std::size_t, 3> resampledShape(const Grid& grid, const std::array<double, 3>& spacing_um)
{
    std::array<std::size_t, 3> s{};
    for (int a = 0; a < 3; ++a)
        s[a] = std::max<std::size_t>(
            1, static_cast<std::size_t>(std::lround(double(grid.shape[a]) * grid.spacing_um[a] / spacing_um[a])));
    return s;
}

bool needsResampling(const std::array<double, 3>& a, const std::array<double, 3>& b, double tolerance)
{
    for (int i = 0; i < 3; ++i)
        if (std::abs(a[i] - b[i]) > tolerance * std::max(a[i], b[i]))
            return true;
    return false;
}

Volume resampleTrilinear(const Volume& input, const Grid& target)
{
    if (input.components() != 1)
        throw std::invalid_argument("resampleTrilinear: scalar volumes only");
    const Volume src = input.type() == VoxelType::Float32 ? Volume() : input.toFloat();
    const float* in = (input.type() == VoxelType::Float32 ? input : src).data<float>();
    const auto& ns = input.shape();
    Volume out = Volume::zeros<float>(target);
    float* o = out.data<float>();
    // Per axis: source coordinate of each target index (centre-aligned over the same extent).
    std::array<std::vector<std::size_t>, 3> i0, i1;
    std::array<std::vector<float>, 3> frac;
    for (int a = 0; a < 3; ++a) {
        const std::size_t n = target.shape[a];
        i0[a].resize(n);
        i1[a].resize(n);
        frac[a].resize(n);
        const double scale = double(ns[a]) / double(n);
        for (std::size_t i = 0; i < n; ++i) {
            double x = (double(i) + 0.5) * scale - 0.5;
            x = std::clamp(x, 0.0, double(ns[a] - 1));
            const auto lo = static_cast<std::size_t>(std::floor(x));
            i0[a][i] = lo;
            i1[a][i] = std::min(lo + 1, ns[a] - 1);
            frac[a][i] = static_cast<float>(x - double(lo));
        }
    }
    const std::size_t sy = ns[2], sz = ns[1] * ns[2];
    for (std::size_t z = 0; z < target.shape[0]; ++z) {
        const float fz = frac[0][z];
        const std::size_t z0 = i0[0][z] * sz, z1 = i1[0][z] * sz;
        for (std::size_t y = 0; y < target.shape[1]; ++y) {
            const float fy = frac[1][y];
            const std::size_t y0 = i0[1][y] * sy, y1 = i1[1][y] * sy;
            for (std::size_t x = 0; x < target.shape[2]; ++x) {
                const float fx = frac[2][x];
                const std::size_t x0 = i0[2][x], x1 = i1[2][x];
                const float c00 = in[z0 + y0 + x0] * (1 - fx) + in[z0 + y0 + x1] * fx;
                const float c01 = in[z0 + y1 + x0] * (1 - fx) + in[z0 + y1 + x1] * fx;
                const float c10 = in[z1 + y0 + x0] * (1 - fx) + in[z1 + y0 + x1] * fx;
                const float c11 = in[z1 + y1 + x0] * (1 - fx) + in[z1 + y1 + x1] * fx;
                *o++ = (c00 * (1 - fy) + c01 * fy) * (1 - fz) + (c10 * (1 - fy) + c11 * fy) * fz;
            }
        }
    }
    return out;
}

} // namespace rfx
