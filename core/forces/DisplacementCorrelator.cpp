#include "core/forces/DisplacementCorrelator.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <thread>

#include "core/forces/FftCorrelator.h"
#include "core/forces/NodeLayout.h"
#include "core/forces/OutlierFilter.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

struct FloatVolume {
    std::array<int, 3> n{0, 0, 0};
    std::vector<float> v;
    std::size_t index(int z, int y, int x) const { return (static_cast<std::size_t>(z) * n[1] + y) * n[2] + x; }
};

FloatVolume toFloatVolume(const Volume& vol)
{
    FloatVolume f;
    for (int a = 0; a < 3; ++a)
        f.n[a] = static_cast<int>(vol.shape()[a]);
    const Volume c = vol.type() == VoxelType::Float32 ? vol : vol.toFloat();
    const float* d = c.data<float>();
    f.v.assign(d, d + c.voxels());
    return f;
}

// Runs body() on `threads` threads and waits; rethrows the first exception.
template <class F> void runOnThreads(int threads, F&& body)
{
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            try {
                body();
            } catch (...) {
                errors[static_cast<std::size_t>(t)] = std::current_exception();
            }
        });
    for (auto& th : pool)
        th.join();
    for (auto& e : errors)
        if (e)
            std::rethrow_exception(e);
}

void copyWindow(const FloatVolume& f, const NodeLayout& l, int kz, int ky, int kx, float* dst)
{
    const int z0 = l.start(0, kz), y0 = l.start(1, ky), x0 = l.start(2, kx);
    for (int z = 0; z < l.window[0]; ++z)
        for (int y = 0; y < l.window[1]; ++y) {
            const float* src = f.v.data() + f.index(z0 + z, y0 + y, x0);
            std::copy(src, src + l.window[2], dst);
            dst += l.window[2];
        }
}

// Replaces the samples of `f` by cubic B-spline coefficients (Unser's recursive prefilter along each
// axis, mirror boundaries), so that sampling with the B-spline weights interpolates the data.
void toBSplineCoefficients(FloatVolume& f)
{
    const double pole = std::sqrt(3.0) - 2.0;
    std::vector<double> line;
    auto filterLine = [&](std::size_t n) {
        if (n < 2)
            return;
        // Causal initialisation (mirror boundary), truncated where pole^k < 1e-7.
        const std::size_t horizon = std::min<std::size_t>(n, 15);
        double sum = line[0], zk = pole;
        for (std::size_t k = 1; k < horizon; ++k, zk *= pole)
            sum += zk * line[k];
        line[0] = sum;
        for (std::size_t k = 1; k < n; ++k)
            line[k] += pole * line[k - 1];
        line[n - 1] = pole / (pole * pole - 1.0) * (line[n - 1] + pole * line[n - 2]);
        for (std::size_t k = n - 1; k-- > 0;)
            line[k] = pole * (line[k + 1] - line[k]);
        for (std::size_t k = 0; k < n; ++k)
            line[k] *= 6.0;
    };
    const std::size_t nz = f.n[0], ny = f.n[1], nx = f.n[2];
    const std::size_t stride[3] = {ny * nx, nx, 1};
    for (int axis = 0; axis < 3; ++axis) {
        const std::size_t len = static_cast<std::size_t>(f.n[axis]);
        line.resize(len);
        for (std::size_t z = 0; z < (axis == 0 ? 1 : nz); ++z)
            for (std::size_t y = 0; y < (axis == 1 ? 1 : ny); ++y)
                for (std::size_t x = 0; x < (axis == 2 ? 1 : nx); ++x) {
                    float* p = f.v.data() + z * stride[0] + y * stride[1] + x;
                    for (std::size_t k = 0; k < len; ++k)
                        line[k] = p[k * stride[axis]];
                    filterLine(len);
                    for (std::size_t k = 0; k < len; ++k)
                        p[k * stride[axis]] = static_cast<float>(line[k]);
                }
    }
}

// The window of the volume whose B-spline coefficients are `c`, at node (kz, ky, kx) translated by
// offset (z, y, x voxels): cubic B-spline interpolation, separable because every voxel of the window
// has the same fractional offset, edges clamped. Linear interpolation is not good enough here: its
// asymmetric two-tap blur pulls the correlation peak towards whole voxels by up to ~0.04 voxel, a bias
// that changes with the displacement and so distorts the strain (and, in a nearly incompressible gel,
// the pressure λ tr ε) that the forces come from.
void copyShiftedWindow(const FloatVolume& c, const NodeLayout& l, int kz, int ky, int kx, const Vec3& offset, float* dst)
{
    int base[3];
    float w[3][4];
    const int k[3] = {kz, ky, kx};
    for (int a = 0; a < 3; ++a) {
        const double fl = std::floor(offset[a]);
        base[a] = l.start(a, k[a]) + static_cast<int>(fl) - 1;  // first of the four taps
        const float t = static_cast<float>(offset[a] - fl), u = 1 - t;
        w[a][0] = u * u * u / 6;
        w[a][1] = (4 - 6 * t * t + 3 * t * t * t) / 6;
        w[a][2] = (1 + 3 * t + 3 * t * t - 3 * t * t * t) / 6;
        w[a][3] = t * t * t / 6;
    }
    auto clampTo = [](int v, int n) { return std::min(std::max(v, 0), n - 1); };
    const int wz = l.window[0], wy = l.window[1], wx = l.window[2];
    const int pz = wz + 3, py = wy + 3;
    std::vector<int> xs(static_cast<std::size_t>(wx + 3));
    for (int x = 0; x < wx + 3; ++x)
        xs[static_cast<std::size_t>(x)] = clampTo(base[2] + x, c.n[2]);
    // Along x for every (z, y) the taps reach, then along y, then along z.
    std::vector<float> alongX(static_cast<std::size_t>(pz) * py * wx), alongY(static_cast<std::size_t>(pz) * wy * wx);
    float* ox = alongX.data();
    for (int z = 0; z < pz; ++z) {
        const int zz = clampTo(base[0] + z, c.n[0]);
        for (int y = 0; y < py; ++y) {
            const float* row = c.v.data() + c.index(zz, clampTo(base[1] + y, c.n[1]), 0);
            for (int x = 0; x < wx; ++x) {
                const int* t = xs.data() + x;
                *ox++ = w[2][0] * row[t[0]] + w[2][1] * row[t[1]] + w[2][2] * row[t[2]] + w[2][3] * row[t[3]];
            }
        }
    }
    float* oy = alongY.data();
    for (int z = 0; z < pz; ++z)
        for (int y = 0; y < wy; ++y) {
            const float* r0 = alongX.data() + (static_cast<std::size_t>(z) * py + y) * wx;
            for (int x = 0; x < wx; ++x)
                *oy++ = w[1][0] * r0[x] + w[1][1] * r0[x + wx] + w[1][2] * r0[x + 2 * wx] + w[1][3] * r0[x + 3 * wx];
        }
    const std::size_t plane = static_cast<std::size_t>(wy) * wx;
    for (int z = 0; z < wz; ++z) {
        const float* p0 = alongY.data() + static_cast<std::size_t>(z) * plane;
        for (std::size_t i = 0; i < plane; ++i)
            *dst++ = w[0][0] * p0[i] + w[0][1] * p0[i + plane] + w[0][2] * p0[i + 2 * plane] + w[0][3] * p0[i + 3 * plane];
    }
}

struct Sweep {
    std::vector<Vec3> shift;
    std::vector<double> quality;
    std::vector<std::uint8_t> rejected;
};

// One correlation sweep: the relaxed window at each node against the stressed window offset by the node's
// current displacement u; the shifts found are the residuals.
Sweep correlateAll(const FloatVolume& r, const FloatVolume& s, const NodeLayout& l, const std::vector<Vec3>& u,
                   const FftCorrelator& corr, double minQuality, int threads, const CancelToken& cancel)
{
    const std::size_t n = l.nodes();
    Sweep out;
    out.shift.assign(n, Vec3{0, 0, 0});
    out.quality.assign(n, 0.0);
    out.rejected.assign(n, 1);
    std::array<int, 3> maxShift{};
    for (int a = 0; a < 3; ++a)
        maxShift[a] = std::max(1, l.window[a] / 3);
    // Nodes are handed out one at a time, so threads of uneven speed stay balanced and a cancel stops
    // all of them within one window.
    std::atomic<std::size_t> next{0};
    runOnThreads(threads, [&] {
        FftCorrelator::Workspace ws(corr);
        for (std::size_t i = next++; i < n && !cancel.cancelled(); i = next++) {
            const int kx = static_cast<int>(i % l.count[2]);
            const int ky = static_cast<int>((i / l.count[2]) % l.count[1]);
            const int kz = static_cast<int>(i / (static_cast<std::size_t>(l.count[2]) * l.count[1]));
            copyWindow(r, l, kz, ky, kx, ws.a());
            copyShiftedWindow(s, l, kz, ky, kx, u[i], ws.b());
            const CorrelationPeak p = corr.correlate(ws, maxShift);
            out.shift[i] = p.shift;
            out.quality[i] = p.quality;
            out.rejected[i] = p.valid && p.quality >= minQuality ? 0 : 1;
        }
    });
    cancel.check();
    return out;
}

// Rigid drift between the acquisitions (stage drift, gel swelling) that may exceed a window's capture
// range: one correlation of the whole volumes, both binned 2x2x2 (the shift is needed to ~1 voxel only).
Vec3 estimateDrift(const FloatVolume& r, const FloatVolume& s)
{
    std::array<int, 3> w{};
    for (int a = 0; a < 3; ++a)
        w[a] = (r.n[a] / 2) & ~1;
    if (w[0] < 4 || w[1] < 4 || w[2] < 4)
        return {0, 0, 0};
    const FftCorrelator corr(w);
    FftCorrelator::Workspace ws(corr);
    auto bin = [&](const FloatVolume& f, float* dst) {
        for (int z = 0; z < w[0]; ++z)
            for (int y = 0; y < w[1]; ++y)
                for (int x = 0; x < w[2]; ++x) {
                    float sum = 0;
                    for (int k = 0; k < 8; ++k)
                        sum += f.v[f.index(2 * z + (k >> 2), 2 * y + ((k >> 1) & 1), 2 * x + (k & 1))];
                    *dst++ = sum;
                }
    };
    bin(r, ws.a());
    bin(s, ws.b());
    const CorrelationPeak p = corr.correlate(ws, {w[0] / 4, w[1] / 4, w[2] / 4});
    if (!p.valid)
        return {0, 0, 0};
    return {2 * std::round(p.shift[0]), 2 * std::round(p.shift[1]), 2 * std::round(p.shift[2])};
}

// The binned estimate (even voxels) refined to the nearest whole voxel: one full-resolution correlation
// of a central block (at most 128 voxels per axis) with the stressed block taken at the binned
// estimate. Unchanged where the block would be too small or the peak is unclear.
Vec3 refineDrift(const FloatVolume& r, const FloatVolume& s, const Vec3& coarse)
{
    std::array<int, 3> w{}, startR{}, startS{};
    for (int a = 0; a < 3; ++a) {
        const int d = static_cast<int>(coarse[static_cast<std::size_t>(a)]);
        w[a] = std::min(128, r.n[a] - 2 * std::abs(d) - 8) & ~1;
        if (w[a] < 8)
            return coarse;
        startR[a] = (r.n[a] - w[a]) / 2;
        startS[a] = startR[a] + d;
    }
    const FftCorrelator corr(w);
    FftCorrelator::Workspace ws(corr);
    auto copy = [&](const FloatVolume& f, const std::array<int, 3>& o, float* dst) {
        for (int z = 0; z < w[0]; ++z)
            for (int y = 0; y < w[1]; ++y) {
                const float* row = &f.v[f.index(o[0] + z, o[1] + y, o[2])];
                dst = std::copy(row, row + w[2], dst);
            }
    };
    copy(r, startR, ws.a());
    copy(s, startS, ws.b());
    const CorrelationPeak p = corr.correlate(ws, {3, 3, 3});
    if (!p.valid)
        return coarse;
    Vec3 out = coarse;
    for (int a = 0; a < 3; ++a)
        out[static_cast<std::size_t>(a)] += std::round(p.shift[static_cast<std::size_t>(a)]);
    return out;
}

} // namespace

std::array<double, 3> estimateRigidDrift(const Volume& relaxed, const Volume& stressed)
{
    if (relaxed.shape() != stressed.shape())
        throw InputError("relaxed and stressed volumes differ in shape");
    const FloatVolume r = toFloatVolume(relaxed), s = toFloatVolume(stressed);
    return refineDrift(r, s, estimateDrift(r, s));
}

DvcResult emptyDvcResult(const NodeLayout& l, const Grid& g)
{
    DvcResult res;
    res.window = l.window;
    res.step = l.step;
    res.nodes.shape = {static_cast<std::size_t>(l.count[0]), static_cast<std::size_t>(l.count[1]),
                       static_cast<std::size_t>(l.count[2])};
    for (int a = 0; a < 3; ++a) {
        res.nodes.spacing_um[a] = l.step[a] * g.spacing_um[a];
        res.nodes.origin_um[a] = g.origin_um[a] + l.centre(a, 0) * g.spacing_um[a];
    }
    res.displacement_um = Volume::zeros<float>(res.nodes, 3);
    res.displacement_vox = Volume::zeros<float>(res.nodes, 3);
    res.quality = Volume::zeros<float>(res.nodes);
    res.rejected = Volume::zeros<std::uint8_t>(res.nodes);
    return res;
}

DvcResult correlateVolumes(const DvcInputs& in, const ProgressFn& progress, const CancelToken& cancel)
{
    if (!in.relaxed || !in.stressed)
        throw std::invalid_argument("correlateVolumes: missing volume");
    const Volume& rel = *in.relaxed;
    const Volume& str = *in.stressed;
    const DvcParams& p = in.params;
    if (rel.shape() != str.shape())
        throw InputError("relaxed and stressed volumes differ in shape");
    if (rel.components() != 1 || str.components() != 1)
        throw InputError("relaxed and stressed volumes must be scalar (one component)");
    for (std::size_t s : rel.shape())
        if (s < 8)
            throw InputError("volume too small for correlation (each axis needs at least 8 voxels)");
    if (!(p.window >= 8 && p.window <= 512) || !(p.overlap >= 0 && p.overlap < 1) || p.maxIterations < 0)
        throw InputError("DVC: window must be in [8, 512] voxels, overlap in [0, 1), iterations >= 0");

    const FloatVolume r = toFloatVolume(rel);
    FloatVolume s = toFloatVolume(str);
    const Grid& g = rel.grid();
    const std::array<int, 3> fine = windowShape(p.window, g.spacing_um);
    std::vector<NodeLayout> passes;
    if (p.coarsePass) {
        const std::array<int, 3> coarse{2 * fine[0], 2 * fine[1], 2 * fine[2]};
        passes.push_back(NodeLayout::make(g.shape, coarse, p.overlap));
    }
    passes.push_back(NodeLayout::make(g.shape, fine, p.overlap));
    if (passes.size() == 2 && passes[0].window == passes[1].window)
        passes.erase(passes.begin());  // the volume is too small for larger windows

    OutlierParams op{p.medianEpsilon_vox, p.medianThreshold};
    const int threads = std::max(1, p.threads);
    const double sweepsTotal = static_cast<double>(passes.size()) * (p.maxIterations + 1);
    double sweepsDone = 0;
    const Vec3 drift = p.removeDrift ? estimateDrift(r, s) : Vec3{0, 0, 0};
    toBSplineCoefficients(s);  // from here on the stressed volume is only sampled at offsets
    NodeLayout prev;
    std::vector<DvcPassReport> passReports;
    double validFraction = 0;
    std::vector<Vec3> u;
    Sweep last;
    for (std::size_t pi = 0; pi < passes.size(); ++pi) {
        const NodeLayout& l = passes[pi];
        std::vector<Vec3> next(l.nodes(), drift);
        if (!u.empty())
            for (int z = 0; z < l.count[0]; ++z)
                for (int y = 0; y < l.count[1]; ++y)
                    for (int x = 0; x < l.count[2]; ++x)
                        next[l.index(z, y, x)] = prev.interpolate(u, {l.centre(0, z), l.centre(1, y), l.centre(2, x)});
        u = std::move(next);
        const FftCorrelator corr(l.window);
        DvcPassReport report;
        report.window = l.window;
        std::size_t peaks = 0;  // windows with a clear correlation peak in the last sweep
        for (int sweep = 0; sweep <= p.maxIterations; ++sweep) {
            cancel.check();
            last = correlateAll(r, s, l, u, corr, p.minQuality, threads, cancel);
            double sum = 0;
            std::size_t valid = 0;
            for (std::size_t i = 0; i < u.size(); ++i) {
                if (last.rejected[i])
                    continue;
                for (int a = 0; a < 3; ++a)
                    u[i][a] += last.shift[i][a];
                sum += std::sqrt(last.shift[i][0] * last.shift[i][0] + last.shift[i][1] * last.shift[i][1] +
                                 last.shift[i][2] * last.shift[i][2]);
                ++valid;
            }
            peaks = valid;
            flagOutliers(l.count, u, last.rejected, op);
            if (!replaceRejected(l.count, u, last.rejected))
                std::fill(u.begin(), u.end(), Vec3{0, 0, 0});
            report.sweeps = sweep + 1;
            report.lastMeanUpdate_vox = valid ? sum / valid : 0.0;
            report.rejected = static_cast<std::size_t>(std::count(last.rejected.begin(), last.rejected.end(), 1));
            sweepsDone += 1;
            if (progress)
                progress(sweepsDone / sweepsTotal, "DVC window " + std::to_string(l.window[2]) + ", sweep " +
                                                       std::to_string(sweep + 1));
            if (sweep > 0 && report.lastMeanUpdate_vox < p.convergence_vox)
                break;
        }
        sweepsDone = static_cast<double>(pi + 1) * (p.maxIterations + 1);
        passReports.push_back(report);
        validFraction = static_cast<double>(peaks) / static_cast<double>(u.size());
        if (validFraction < p.minValidFraction)
            throw InputError("the stressed volume does not correlate with the relaxed one (" +
                             std::to_string(static_cast<int>(std::lround(100 * validFraction))) +
                             " % of windows found a clear correlation peak): no beads, too little contrast, or "
                             "displacements beyond the window's capture range");
        prev = l;
    }

    DvcResult res = emptyDvcResult(prev, g);
    res.drift_vox = {drift[2], drift[1], drift[0]};
    res.passes = std::move(passReports);
    res.validFraction = validFraction;
    float* um = res.displacement_um.data<float>();
    float* vox = res.displacement_vox.data<float>();
    for (std::size_t i = 0; i < u.size(); ++i) {
        for (int c = 0; c < 3; ++c) {  // component c = x, y, z is axis 2 - c
            vox[3 * i + c] = static_cast<float>(u[i][2 - c]);
            um[3 * i + c] = static_cast<float>(u[i][2 - c] * g.spacing_um[2 - c]);
        }
        res.quality.data<float>()[i] = static_cast<float>(last.quality[i]);
        res.rejected.data<std::uint8_t>()[i] = last.rejected[i];
    }
    if (progress)
        progress(1.0, "DVC done");
    return res;
}

} // namespace rfx
