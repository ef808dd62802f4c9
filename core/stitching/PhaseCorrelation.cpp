#include "core/stitching/PhaseCorrelation.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "core/evaluation/FloatVoxels.h"
#include "core/util/FftwPlanner.h"

namespace rfx {

namespace {

struct FftwFree {
    void operator()(void* p) const { fftwf_free(p); }
};
template <class T> using FftwBuffer = std::unique_ptr<T[], FftwFree>;
template <class T> FftwBuffer<T> fftwAlloc(std::size_t n) { return FftwBuffer<T>(static_cast<T*>(fftwf_malloc(sizeof(T) * n))); }

// Cosine taper over the outer eighth of each side (Tukey, alpha 0.25): suppresses the spurious
// zero-shift peak of the non-periodic crop borders, yet keeps content near the borders, where the
// shared part of a strongly shifted pair lies.
std::vector<float> tukey(std::size_t n)
{
    std::vector<float> w(n, 1.f);
    const double taper = 0.125 * double(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double d = std::min(double(i), double(n - 1 - i)) + 0.5;
        if (d < taper)
            w[i] = float(0.5 - 0.5 * std::cos(M_PI * d / taper));
    }
    return w;
}

using Shape = std::array<std::size_t, 3>;

// Pearson correlation of a(u) and b(u + s) over the overlap.
double overlapCorrelation(const float* a, const float* b, const Shape& n, const std::array<long, 3>& s)
{
    long lo[3], hi[3];
    for (int d = 0; d < 3; ++d) {
        lo[d] = std::max(0L, -s[d]);
        hi[d] = std::min(long(n[d]), long(n[d]) - s[d]);
    }
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    double count = 0;
    for (long z = lo[0]; z < hi[0]; ++z)
        for (long y = lo[1]; y < hi[1]; ++y) {
            const float* ra = a + (std::size_t(z) * n[1] + std::size_t(y)) * n[2];
            const float* rb = b + (std::size_t(z + s[0]) * n[1] + std::size_t(y + s[1])) * n[2] + s[2];
            for (long x = lo[2]; x < hi[2]; ++x) {
                const double va = ra[x], vb = rb[x];
                sa += va;
                sb += vb;
                saa += va * va;
                sbb += vb * vb;
                sab += va * vb;
            }
            count += double(hi[2] - lo[2]);
        }
    if (count < 2)
        return -1;
    const double cov = sab - sa * sb / count, va = saa - sa * sa / count, vb = sbb - sb * sb / count;
    return va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : -1;
}

struct Peak {
    std::size_t index;
    float value;
};

// Local maxima of the (circular) correlation surface, strongest first.
std::vector<Peak> strongestPeaks(const float* r, const Shape& n, std::size_t count)
{
    std::vector<Peak> peaks;
    for (std::size_t z = 0; z < n[0]; ++z)
        for (std::size_t y = 0; y < n[1]; ++y)
            for (std::size_t x = 0; x < n[2]; ++x) {
                const std::size_t i = (z * n[1] + y) * n[2] + x;
                const float v = r[i];
                if (peaks.size() == count && v <= peaks.back().value)
                    continue;
                bool isMax = true;
                for (int dz = -1; dz <= 1 && isMax; ++dz)
                    for (int dy = -1; dy <= 1 && isMax; ++dy)
                        for (int dx = -1; dx <= 1 && isMax; ++dx) {
                            if (!dz && !dy && !dx)
                                continue;
                            const std::size_t zz = (z + n[0] + dz) % n[0], yy = (y + n[1] + dy) % n[1],
                                              xx = (x + n[2] + dx) % n[2];
                            isMax = r[(zz * n[1] + yy) * n[2] + xx] <= v;
                        }
                if (!isMax)
                    continue;
                peaks.push_back({i, v});
                std::sort(peaks.begin(), peaks.end(), [](const Peak& p, const Peak& q) { return p.value > q.value; });
                if (peaks.size() > count)
                    peaks.pop_back();
            }
    return peaks;
}

bool keepsOverlap(const Shape& n, const std::array<long, 3>& s, double minFraction)
{
    for (int d = 0; d < 3; ++d)
        if (double(long(n[d]) - std::labs(s[d])) < minFraction * double(n[d]))
            return false;
    return true;
}

// Vertex offset of the parabola through (−1, m), (0, c), (1, p); 0 when not a maximum.
double parabolicOffset(double m, double c, double p)
{
    const double denom = m - 2 * c + p;
    if (denom >= 0)
        return 0;
    return std::clamp((m - p) / (2 * denom), -0.5, 0.5);
}
} // namespace

PhaseCorrelationResult phaseCorrelate(const Volume& a, const Volume& b, const PhaseCorrelationOptions& options)
{
    if (a.components() != 1 || b.components() != 1 || a.shape() != b.shape() || a.voxels() == 0)
        throw std::invalid_argument("phase correlation needs two scalar volumes of the same shape");
    const Shape n = a.shape();
    const std::size_t total = a.voxels(), half = n[0] * n[1] * (n[2] / 2 + 1);
    FloatVoxels fa(a), fb(b);

    auto ra = fftwAlloc<float>(total), rb = fftwAlloc<float>(total);
    auto ca = fftwAlloc<fftwf_complex>(half), cb = fftwAlloc<fftwf_complex>(half);
    fftwf_plan forward, inverse;
    {
        std::lock_guard<std::mutex> lock(fftwPlannerMutex());
        forward = fftwf_plan_dft_r2c_3d(int(n[0]), int(n[1]), int(n[2]), ra.get(), ca.get(), FFTW_ESTIMATE);
        inverse = fftwf_plan_dft_c2r_3d(int(n[0]), int(n[1]), int(n[2]), cb.get(), rb.get(), FFTW_ESTIMATE);
    }
    struct PlanGuard {
        fftwf_plan f, i;
        ~PlanGuard()
        {
            std::lock_guard<std::mutex> lock(fftwPlannerMutex());
            fftwf_destroy_plan(f);
            fftwf_destroy_plan(i);
        }
    } guard{forward, inverse};

    // Mean-free, tapered copies.
    const auto wz = tukey(n[0]), wy = tukey(n[1]), wx = tukey(n[2]);
    double meanA = 0, meanB = 0;
    for (std::size_t i = 0; i < total; ++i) {
        meanA += fa[i];
        meanB += fb[i];
    }
    meanA /= double(total);
    meanB /= double(total);
    for (std::size_t z = 0, i = 0; z < n[0]; ++z)
        for (std::size_t y = 0; y < n[1]; ++y)
            for (std::size_t x = 0; x < n[2]; ++x, ++i) {
                const float w = wz[z] * wy[y] * wx[x];
                ra[i] = float(fa[i] - meanA) * w;
                rb[i] = float(fb[i] - meanB) * w;
            }
    fftwf_execute_dft_r2c(forward, ra.get(), ca.get());
    fftwf_execute_dft_r2c(forward, rb.get(), cb.get());
    // conj(A)·B / |conj(A)·B| peaks at the shift s with b(v) = a(v − s).
    for (std::size_t k = 0; k < half; ++k) {
        const std::complex<float> x(ca[k][0], -ca[k][1]), y(cb[k][0], cb[k][1]);
        std::complex<float> c = x * y;
        const float mag = std::abs(c);
        c = mag > 1e-20f ? c / mag : std::complex<float>(0.f, 0.f);
        cb[k][0] = c.real();
        cb[k][1] = c.imag();
    }
    fftwf_execute_dft_c2r(inverse, cb.get(), rb.get());

    // Each peak's wrap-around readings, scored on the voxels they actually overlap.
    const auto score = [&](const std::array<long, 3>& s) {
        return keepsOverlap(n, s, options.minOverlapFraction) ? overlapCorrelation(fa.data(), fb.data(), n, s) : -2.0;
    };
    PhaseCorrelationResult best;
    best.correlation = -2;
    std::array<long, 3> at{0, 0, 0};
    for (const Peak& peak : strongestPeaks(rb.get(), n, std::size_t(std::max(1, options.peaks)))) {
        const std::array<std::size_t, 3> p{peak.index / (n[1] * n[2]), (peak.index / n[2]) % n[1], peak.index % n[2]};
        for (int combo = 0; combo < 8; ++combo) {
            std::array<long, 3> s{};
            bool valid = true;
            for (int d = 0; d < 3; ++d) {
                const bool wrap = (combo >> d) & 1;
                valid = valid && !(wrap && p[d] == 0);
                s[d] = wrap ? long(p[d]) - long(n[d]) : long(p[d]);
            }
            const double r = valid ? score(s) : -2.0;
            if (r > best.correlation) {
                best.correlation = r;
                at = s;
            }
        }
    }
    if (best.correlation <= -2) {
        best.correlation = 0;
        return best;
    }
    // Whitening weights every frequency alike, so on smooth, noisy data the peak can land a voxel
    // off; climbing the overlap correlation to its local maximum corrects that.
    for (int step = 0; step < 32; ++step) {
        std::array<long, 3> next = at;
        for (int dz = -1; dz <= 1; ++dz)
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const std::array<long, 3> s{at[0] + dz, at[1] + dy, at[2] + dx};
                    const double r = (dz || dy || dx) ? score(s) : -2.0;
                    if (r > best.correlation) {
                        best.correlation = r;
                        next = s;
                    }
                }
        if (next == at)
            break;
        at = next;
    }
    best.found = true;
    for (int d = 0; d < 3; ++d) {
        std::array<long, 3> lo = at, hi = at;
        --lo[d];
        ++hi[d];
        const double m = score(lo), p = score(hi);
        best.shift[d] = double(at[d]) + (m > -2 && p > -2 ? parabolicOffset(m, best.correlation, p) : 0.0);
    }
    return best;
}

} // namespace rfx
