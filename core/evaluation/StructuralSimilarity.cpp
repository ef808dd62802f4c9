#include "core/evaluation/StructuralSimilarity.h"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/evaluation/FloatVoxels.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {
constexpr int kStats = 5;  // a, b, a², b², a·b

std::vector<double> gaussianTaps(int taps, double sigma)
{
    const int r = taps / 2;
    std::vector<double> g(taps);
    double sum = 0;
    for (int k = 0; k < taps; ++k) {
        g[k] = std::exp(-0.5 * double((k - r) * (k - r)) / (sigma * sigma));
        sum += g[k];
    }
    for (double& w : g)
        w /= sum;
    return g;
}

// Gaussian-filtered statistics of one z slice, valid region only: (Y−2r) × (X−2r) × kStats.
void filterSlice(const float* a, const float* b, std::size_t Y, std::size_t X, const std::vector<double>& g,
                 std::vector<double>& rows, std::vector<double>& out)
{
    const std::size_t taps = g.size(), Xv = X - taps + 1, Yv = Y - taps + 1;
    rows.assign(Y * Xv * kStats, 0.0);
    for (std::size_t y = 0; y < Y; ++y) {
        const float* ra = a + y * X;
        const float* rb = b + y * X;
        double* dst = rows.data() + y * Xv * kStats;
        for (std::size_t x = 0; x < Xv; ++x) {
            double s[kStats] = {0, 0, 0, 0, 0};
            for (std::size_t k = 0; k < taps; ++k) {
                const double va = ra[x + k], vb = rb[x + k], w = g[k];
                s[0] += w * va;
                s[1] += w * vb;
                s[2] += w * va * va;
                s[3] += w * vb * vb;
                s[4] += w * va * vb;
            }
            for (int c = 0; c < kStats; ++c)
                dst[x * kStats + c] = s[c];
        }
    }
    out.assign(Yv * Xv * kStats, 0.0);
    const std::size_t rowLen = Xv * kStats;
    for (std::size_t y = 0; y < Yv; ++y) {
        double* dst = out.data() + y * rowLen;
        for (std::size_t k = 0; k < taps; ++k) {
            const double* src = rows.data() + (y + k) * rowLen;
            const double w = g[k];
            for (std::size_t i = 0; i < rowLen; ++i)
                dst[i] += w * src[i];
        }
    }
}
} // namespace

double structuralSimilarity(const Volume& truth, const Volume& prediction, double dataRange,
                            const SsimOptions& options, const ProgressFn& progress, const CancelToken& cancel)
{
    if (truth.components() != 1 || prediction.components() != 1 || truth.shape() != prediction.shape())
        throw std::invalid_argument("SSIM needs two scalar volumes of the same shape");
    if (options.windowTaps < 1 || options.windowTaps % 2 == 0 || !(options.sigma > 0) || !(dataRange > 0))
        throw std::invalid_argument("SSIM needs an odd window, a positive sigma and a positive data range");
    const auto [Z, Y, X] = truth.shape();
    const std::size_t taps = static_cast<std::size_t>(options.windowTaps);
    if (Z < taps || Y < taps || X < taps)
        throw InputError("SSIM: volume " + std::to_string(Z) + "x" + std::to_string(Y) + "x" + std::to_string(X) +
                         " is smaller than the " + std::to_string(taps) + "-voxel window on some axis");

    const std::vector<double> g = gaussianTaps(options.windowTaps, options.sigma);
    const double c1 = std::pow(options.k1 * dataRange, 2), c2 = std::pow(options.k2 * dataRange, 2);
    FloatVoxels a(truth), b(prediction);
    const std::size_t plane = Y * X, validPlane = (Y - taps + 1) * (X - taps + 1);

    // Ring of the last `taps` filtered slices: memory stays O(taps · slice) for any depth.
    std::vector<std::vector<double>> ring(taps);
    std::vector<double> rows;
    double sum = 0;
    std::size_t count = 0;
    for (std::size_t z = 0; z < Z; ++z) {
        cancel.check();
        filterSlice(a.data() + z * plane, b.data() + z * plane, Y, X, g, rows, ring[z % taps]);
        if (z + 1 < taps)
            continue;
        const std::size_t z0 = z + 1 - taps;
        for (std::size_t i = 0; i < validPlane; ++i) {
            double m[kStats] = {0, 0, 0, 0, 0};
            for (std::size_t k = 0; k < taps; ++k) {
                const double* s = ring[(z0 + k) % taps].data() + i * kStats;
                for (int c = 0; c < kStats; ++c)
                    m[c] += g[k] * s[c];
            }
            const double ux = m[0], uy = m[1];
            const double vx = m[2] - ux * ux, vy = m[3] - uy * uy, vxy = m[4] - ux * uy;
            sum += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
        }
        count += validPlane;
        if (progress)
            progress(double(z + 1) / double(Z), "SSIM");
    }
    return sum / double(count);
}

} // namespace rfx
