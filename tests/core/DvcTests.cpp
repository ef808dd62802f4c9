// Digital volume correlation: sub-voxel translations, the Kelvin field of the synthetic bead pairs,
// spurious-vector handling and refusal of volumes that do not correlate.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "core/forces/DisplacementCorrelator.h"
#include "core/forces/FftCorrelator.h"
#include "core/forces/OutlierFilter.h"
#include "core/synth/BeadPairGenerator.h"
#include "core/util/Errors.h"
#include "tests/support/SyntheticForces.h"

using namespace rfx;

namespace {
// Gaussian blobs (sd 0.75 voxel, like the synthetic beads at 0.4 µm) at `points` (z, y, x voxels)
// moved by `shift`, on a 0.02 background with Gaussian noise of sd `noise`.
Volume blobs(const std::array<std::size_t, 3>& shape, const std::vector<Vec3>& points, const Vec3& shift, double noise,
             unsigned seed)
{
    Grid g;
    g.shape = shape;
    g.spacing_um = {0.4, 0.4, 0.4};
    Volume v = Volume::zeros<float>(g);
    float* d = v.data<float>();
    const double s = 0.75;
    for (const Vec3& q : points) {
        const double c[3] = {q[0] + shift[0], q[1] + shift[1], q[2] + shift[2]};
        int lo[3], hi[3];
        for (int a = 0; a < 3; ++a) {
            lo[a] = std::max(0, static_cast<int>(std::floor(c[a] - 4 * s)));
            hi[a] = std::min(static_cast<int>(shape[a]) - 1, static_cast<int>(std::ceil(c[a] + 4 * s)));
        }
        for (int z = lo[0]; z <= hi[0]; ++z)
            for (int y = lo[1]; y <= hi[1]; ++y)
                for (int x = lo[2]; x <= hi[2]; ++x) {
                    const double r2 = (z - c[0]) * (z - c[0]) + (y - c[1]) * (y - c[1]) + (x - c[2]) * (x - c[2]);
                    d[g.index(z, y, x)] += static_cast<float>(std::exp(-0.5 * r2 / (s * s)));
                }
    }
    std::mt19937 rng(seed);
    std::normal_distribution<float> n(0.f, static_cast<float>(noise));
    for (std::size_t i = 0; i < g.voxels(); ++i)
        d[i] += 0.02f + n(rng);
    return v;
}

std::vector<Vec3> randomPoints(const std::array<std::size_t, 3>& shape, double perVoxel, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    const std::size_t n = static_cast<std::size_t>(perVoxel * (shape[0] + 8) * (shape[1] + 8) * (shape[2] + 8));
    std::vector<Vec3> pts;
    for (std::size_t i = 0; i < n; ++i)
        pts.push_back({u(rng) * (shape[0] + 8) - 4, u(rng) * (shape[1] + 8) - 4, u(rng) * (shape[2] + 8) - 4});
    return pts;
}

} // namespace

TEST_CASE("FFT correlation finds an integer shift exactly and scores identical content 1", "[dvc]")
{
    const std::array<std::size_t, 3> shape{16, 16, 16};
    const auto pts = randomPoints(shape, 0.005, 3);
    const Volume a = blobs(shape, pts, {0, 0, 0}, 0, 1);
    const Volume b = blobs(shape, pts, {1, -2, 3}, 0, 1);
    FftCorrelator corr({16, 16, 16});
    FftCorrelator::Workspace ws(corr);
    std::copy(a.data<float>(), a.data<float>() + a.voxels(), ws.a());
    std::copy(a.data<float>(), a.data<float>() + a.voxels(), ws.b());
    const CorrelationPeak same = corr.correlate(ws, {5, 5, 5});
    CHECK(same.valid);
    CHECK(same.quality == Approx(1.0).margin(1e-4));
    CHECK(std::abs(same.shift[0]) < 1e-3);
    std::copy(a.data<float>(), a.data<float>() + a.voxels(), ws.a());
    std::copy(b.data<float>(), b.data<float>() + b.voxels(), ws.b());
    const CorrelationPeak moved = corr.correlate(ws, {5, 5, 5});
    CHECK(moved.valid);
    CHECK(moved.shift[0] == Approx(1).margin(0.15));
    CHECK(moved.shift[1] == Approx(-2).margin(0.15));
    CHECK(moved.shift[2] == Approx(3).margin(0.15));
    // Constant windows have no peak.
    std::fill(ws.a(), ws.a() + corr.size(), 1.f);
    std::fill(ws.b(), ws.b() + corr.size(), 1.f);
    CHECK_FALSE(corr.correlate(ws, {5, 5, 5}).valid);
}

TEST_CASE("The rigid drift is found to the nearest whole voxel, odd shifts included", "[dvc]")
{
    const std::array<std::size_t, 3> shape{48, 64, 80};
    const auto pts = randomPoints(shape, 0.02 * 0.064, 7);
    const Volume relaxed = blobs(shape, pts, {0, 0, 0}, 0.01, 1);
    // The binned whole-volume correlation alone gives even voxels; the full-resolution refinement the
    // odd rest. Sub-voxel parts round to the nearest voxel.
    for (const Vec3& shift : {Vec3{3, -5, 7}, Vec3{1, 1, -1}, Vec3{0, 9, 0}, Vec3{-2.3, 0.4, 4.6}, Vec3{0, 0, 0}}) {
        const Volume stressed = blobs(shape, pts, shift, 0.01, 2);
        const std::array<double, 3> d = estimateRigidDrift(relaxed, stressed);
        INFO("shift " << shift[0] << "," << shift[1] << "," << shift[2] << ": found " << d[0] << "," << d[1] << ","
                      << d[2]);
        for (int a = 0; a < 3; ++a)
            CHECK(d[static_cast<std::size_t>(a)] == std::round(shift[static_cast<std::size_t>(a)]));
    }
    // Nothing to correlate: no drift rather than a guess.
    const Volume flat = blobs(shape, {}, {0, 0, 0}, 0.0, 3);
    CHECK(estimateRigidDrift(flat, flat) == std::array<double, 3>{0, 0, 0});
    CHECK_THROWS_AS(estimateRigidDrift(relaxed, blobs({48, 64, 64}, pts, {0, 0, 0}, 0.01, 2)), InputError);
}

TEST_CASE("DVC recovers sub-voxel translations to a few hundredths of a voxel per axis", "[dvc]")
{
    const std::array<std::size_t, 3> shape{48, 64, 64};
    const auto pts = randomPoints(shape, 0.02 * 0.064, 5);  // 0.02 beads/µm³ at 0.4 µm voxels
    for (const Vec3& shift : {Vec3{0.3, -1.6, 2.45}, Vec3{-3.7, 0.5, -0.2}}) {
        DvcInputs in;
        in.relaxed = std::make_shared<Volume>(blobs(shape, pts, {0, 0, 0}, 0.01, 1));
        in.stressed = std::make_shared<Volume>(blobs(shape, pts, shift, 0.01, 2));
        const DvcResult r = correlateVolumes(in);
        REQUIRE(r.nodes.voxels() > 0);
        CHECK(r.validFraction > 0.95);
        const float* u = r.displacement_vox.data<float>();
        const float* um = r.displacement_um.data<float>();
        double se[3] = {0, 0, 0};
        for (std::size_t i = 0; i < r.nodes.voxels(); ++i)
            for (int c = 0; c < 3; ++c) {
                se[c] += (u[3 * i + c] - shift[2 - c]) * (u[3 * i + c] - shift[2 - c]);
                CHECK(um[3 * i + c] == Approx(u[3 * i + c] * 0.4).margin(1e-5));
            }
        for (int c = 0; c < 3; ++c) {
            INFO("shift " << shift[0] << "," << shift[1] << "," << shift[2] << " component " << c);
            CHECK(std::sqrt(se[c] / r.nodes.voxels()) < 0.02);  // measured 0.002-0.010 (trilinear offsets: 0.01-0.03)
        }
        // The node grid: 32-voxel windows at 50 % overlap, first node at the first window's centre.
        CHECK(r.step == std::array<int, 3>{16, 16, 16});
        CHECK(r.nodes.spacing_um[2] == Approx(6.4));
        CHECK(r.nodes.origin_um[2] == Approx(0.4 * 15.5));  // 3 windows of 32 fill 64 voxels; centre of the first
    }
}

TEST_CASE("DVC measures the Kelvin field of a synthetic bead pair within 0.1 voxel RMS per axis", "[dvc]")
{
    BeadPairParams p;  // 1 % image noise, 0.4 µm voxels, 8 inward forces of 8 nN on the cell
    p.shape = {64, 96, 96};
    p.seed = 2;
    const BeadPair bp = generateBeadPair(p);
    DvcInputs in;
    in.relaxed = std::make_shared<Volume>(bp.relaxed);
    in.stressed = std::make_shared<Volume>(bp.stressed);
    const DvcResult r = correlateVolumes(in);
    const test::KelvinFieldError e = test::kelvinFieldError(r.nodes, r.displacement_um, bp);
    REQUIRE(e.nodes > 30);
    CHECK(e.maxTrue_vox > 0.25);  // the field is not trivially small where it is judged
    for (int c = 0; c < 3; ++c) {
        INFO("component " << c);
        CHECK(e.rmse_vox[c] < 0.1);
    }
}

TEST_CASE("The normalised median test replaces a planted outlier by its neighbours' median", "[dvc]")
{
    const std::array<int, 3> count{4, 5, 6};
    std::vector<Vec3> u(4 * 5 * 6);
    std::mt19937 rng(1);
    std::normal_distribution<double> noise(0, 0.02);
    for (std::size_t i = 0; i < u.size(); ++i)  // smooth gradient plus noise
        u[i] = {0.1 * (i % 6) + noise(rng), 0.5 + noise(rng), -0.2 + noise(rng)};
    const std::size_t planted = (2 * 5 + 2) * 6 + 3;
    const Vec3 good = u[planted];
    u[planted] = {3.0, -2.0, 1.0};
    std::vector<std::uint8_t> rejected(u.size(), 0);
    CHECK(flagOutliers(count, u, rejected, {}) == 1);
    CHECK(rejected[planted] == 1);
    REQUIRE(replaceRejected(count, u, rejected));
    for (int c = 0; c < 3; ++c)
        CHECK(u[planted][c] == Approx(good[c]).margin(0.1));
    std::vector<std::uint8_t> all(u.size(), 1);
    CHECK_FALSE(replaceRejected(count, u, all));
}

TEST_CASE("DVC refuses volumes that do not correlate or differ in shape", "[dvc]")
{
    BeadPairParams p;
    p.shape = {32, 48, 48};
    const BeadPair bp = generateBeadPair(p);
    Volume flat = bp.stressed;
    std::mt19937 rng(4);
    std::normal_distribution<float> n(0.5f, 0.005f);
    for (std::size_t i = 0; i < flat.voxels(); ++i)
        flat.data<float>()[i] = n(rng);  // no beads: noise only
    DvcInputs in;
    in.relaxed = std::make_shared<Volume>(bp.relaxed);
    in.stressed = std::make_shared<Volume>(flat);
    CHECK_THROWS_AS(correlateVolumes(in), InputError);
    BeadPairParams q = p;
    q.shape = {32, 48, 40};
    in.stressed = std::make_shared<Volume>(generateBeadPair(q).stressed);
    CHECK_THROWS_AS(correlateVolumes(in), InputError);
}

TEST_CASE("DVC can be cancelled", "[dvc]")
{
    BeadPairParams p;
    p.shape = {32, 48, 48};
    const BeadPair bp = generateBeadPair(p);
    CancelToken cancel;
    cancel.cancel();
    DvcInputs in{std::make_shared<Volume>(bp.relaxed), std::make_shared<Volume>(bp.stressed), {}};
    CHECK_THROWS_AS(correlateVolumes(in, {}, cancel), CancelledError);
}
