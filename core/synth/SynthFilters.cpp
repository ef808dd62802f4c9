#include "core/synth/SynthFilters.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Core>

namespace rfx::synth {

namespace {
// out += w * in over n floats; Eigen's explicit SIMD (the default -O2 does not auto-vectorise).
inline void axpy(float* out, const float* in, float w, std::size_t n)
{
    Eigen::Map<Eigen::ArrayXf>(out, static_cast<Eigen::Index>(n)) +=
        w * Eigen::Map<const Eigen::ArrayXf>(in, static_cast<Eigen::Index>(n));
}
} // namespace

std::vector<float> gaussianKernel(double sigma)
{
    if (!(sigma > 0))
        return {1.f};
    const int r = static_cast<int>(std::ceil(3 * sigma));
    std::vector<double> k(2 * r + 1);
    double sum = 0;
    for (int i = -r; i <= r; ++i)
        sum += k[i + r] = std::exp(-0.5 * i * i / (sigma * sigma));
    std::vector<float> out(k.size());
    for (std::size_t i = 0; i < k.size(); ++i)
        out[i] = static_cast<float>(k[i] / sum);
    return out;
}

void convolveSeparable(float* v, const std::array<std::size_t, 3>& shape, const std::vector<float>& kz,
                       const std::vector<float>& ky, const std::vector<float>& kx)
{
    const std::size_t NZ = shape[0], NY = shape[1], NX = shape[2], plane = NY * NX;
    auto clampIdx = [](std::ptrdiff_t i, std::size_t n) {
        return static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(i, 0, static_cast<std::ptrdiff_t>(n) - 1));
    };
    // z: whole planes at a time, so the inner loop is contiguous and vectorises. Originals of the
    // planes already overwritten are kept in a ring of r+1 planes (no full-volume copy).
    if (kz.size() > 1 && NZ > 1) {
        const auto r = static_cast<std::ptrdiff_t>(kz.size() / 2);
        const std::size_t ringN = static_cast<std::size_t>(r) + 1;
        std::vector<float> ring(ringN * plane), acc(plane);
        for (std::size_t z = 0; z < NZ; ++z) {
            std::fill(acc.begin(), acc.end(), 0.f);
            for (std::ptrdiff_t k = -r; k <= r; ++k) {
                const float w = kz[static_cast<std::size_t>(k + r)];
                const std::size_t zi = clampIdx(static_cast<std::ptrdiff_t>(z) + k, NZ);
                const float* in = zi < z ? ring.data() + (zi % ringN) * plane : v + zi * plane;
                axpy(acc.data(), in, w, plane);
            }
            float* cur = v + z * plane;
            std::copy(cur, cur + plane, ring.begin() + static_cast<std::ptrdiff_t>((z % ringN) * plane));
            std::copy(acc.begin(), acc.end(), cur);
        }
    }
    if (ky.size() > 1 && NY > 1) {
        const auto r = static_cast<std::ptrdiff_t>(ky.size() / 2);
        std::vector<float> src(plane);
        for (std::size_t z = 0; z < NZ; ++z) {
            float* pl = v + z * plane;
            std::copy(pl, pl + plane, src.begin());
            for (std::size_t y = 0; y < NY; ++y) {
                float* out = pl + y * NX;
                std::fill(out, out + NX, 0.f);
                for (std::ptrdiff_t k = -r; k <= r; ++k) {
                    const float w = ky[static_cast<std::size_t>(k + r)];
                    const float* in = src.data() + clampIdx(static_cast<std::ptrdiff_t>(y) + k, NY) * NX;
                    axpy(out, in, w, NX);
                }
            }
        }
    }
    if (kx.size() > 1 && NX > 1) {
        const std::size_t r = kx.size() / 2;
        std::vector<float> row(NX + 2 * r);
        for (std::size_t line = 0; line < NZ * NY; ++line) {
            float* p = v + line * NX;
            std::fill(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(r), p[0]);
            std::copy(p, p + NX, row.begin() + static_cast<std::ptrdiff_t>(r));
            std::fill(row.begin() + static_cast<std::ptrdiff_t>(r + NX), row.end(), p[NX - 1]);
            std::fill(p, p + NX, 0.f);
            // Tap-outer loop: contiguous and vectorisable.
            for (std::size_t k = 0; k < kx.size(); ++k) {
                const float w = kx[k];
                axpy(p, row.data() + k, w, NX);
            }
        }
    }
}

void gaussianBlur3D(float* v, const std::array<std::size_t, 3>& shape, const std::array<double, 3>& s)
{
    convolveSeparable(v, shape, gaussianKernel(s[0]), gaussianKernel(s[1]), gaussianKernel(s[2]));
}

void binomialBlur3D(float* v, const std::array<std::size_t, 3>& shape)
{
    const std::vector<float> k{0.25f, 0.5f, 0.25f};
    convolveSeparable(v, shape, k, k, k);
}

namespace {
// Felzenszwalb & Huttenlocher lower envelope of parabolas; f has stride `stride`.
void edt1d(float* f, std::size_t n, std::size_t stride, double s, std::vector<double>& d, std::vector<int>& vv,
           std::vector<double>& zz)
{
    d.resize(n);
    vv.resize(n);
    zz.resize(n + 1);
    for (std::size_t i = 0; i < n; ++i)
        d[i] = f[i * stride];
    const double inf = std::numeric_limits<double>::infinity();
    int k = -1;
    for (std::size_t q = 0; q < n; ++q) {
        if (d[q] >= 1e19)
            continue;  // not a site and no finite value yet: skip (parabola at infinity)
        const double xq = static_cast<double>(q) * s;
        while (k >= 0) {
            const double xv = vv[k] * s;
            const double sect = ((d[q] + xq * xq) - (d[vv[k]] + xv * xv)) / (2 * (xq - xv));
            if (sect <= zz[k]) {
                --k;
                continue;
            }
            ++k;
            vv[k] = static_cast<int>(q);
            zz[k] = sect;
            zz[k + 1] = inf;
            break;
        }
        if (k < 0) {
            k = 0;
            vv[0] = static_cast<int>(q);
            zz[0] = -inf;
            zz[1] = inf;
        }
    }
    if (k < 0)
        return;  // no finite values on this line
    int j = 0;
    for (std::size_t q = 0; q < n; ++q) {
        const double xq = static_cast<double>(q) * s;
        while (zz[j + 1] < xq)
            ++j;
        const double dx = xq - vv[j] * s;
        f[q * stride] = static_cast<float>(dx * dx + d[vv[j]]);
    }
}
} // namespace

void distanceTransform2D(float* f, std::size_t ny, std::size_t nx, double sy, double sx)
{
    std::vector<double> d, zz;
    std::vector<int> vv;
    for (std::size_t y = 0; y < ny; ++y)
        edt1d(f + y * nx, nx, 1, sx, d, vv, zz);
    for (std::size_t x = 0; x < nx; ++x)
        edt1d(f + x, ny, nx, sy, d, vv, zz);
}

} // namespace rfx::synth
