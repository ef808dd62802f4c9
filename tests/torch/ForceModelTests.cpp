// Force models in the patch engine (two inputs, per-volume percentile scaling, unbounded vector
// outputs, no test-time augmentation) and the learned force method against the classical one on the
// same synthetic Kelvin field.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "core/forces/LearnedTfm.h"
#include "core/prediction/PatchPredictor.h"
#include "core/synth/BeadPairGenerator.h"
#include "core/torch/TorchBackend.h"
#include "core/util/Errors.h"
#include "core/util/Sha256.h"
#include "tests/support/SyntheticForces.h"
#include "tests/support/TempDir.h"

using namespace rfx;

namespace {

// A force package around pair.pt (a, b -> a - b, 2a, b + 1) written by make_patch_models.py.
std::string pairPackage(const test::TempDir& dir, const std::string& task = "force")
{
    if (!std::filesystem::exists(dir.file("pair.pt"))) {  // one Python start per folder (it imports torch)
        const std::string cmd = "/usr/bin/python3 " MAKE_PATCH_MODELS_SCRIPT " " + dir.path();
        REQUIRE(std::system(cmd.c_str()) == 0);
    }
    const std::string pkg = dir.file("pair-" + task);
    std::filesystem::create_directories(pkg);
    std::filesystem::copy_file(dir.file("pair.pt"), pkg + "/pair.pt", std::filesystem::copy_options::overwrite_existing);
    nlohmann::json j = {{"name", "pair"},
                        {"task", task},
                        {"files", {{{"path", "pair.pt"}, {"outputs", {"ux", "uy", "uz"}}}}},
                        {"input",
                         {{"channels", {"relaxed", "stressed"}},
                          {"voxel_size_um", {0.4, 0.4, 0.4}},
                          {"normalisation", {{"method", "percentile"}, {"percentiles", {50, 99.9}}}},
                          {"patch", {8, 16, 16}}}},
                        {"output_range", nullptr},
                        {"sha256", {{"pair.pt", sha256File(pkg + "/pair.pt")}}}};
    std::ofstream(pkg + "/model.json") << j.dump(2);
    return pkg;
}

Volume randomVolume(std::array<std::size_t, 3> shape, unsigned seed, float scale)
{
    Grid g;
    g.shape = shape;
    g.spacing_um = {0.4, 0.4, 0.4};
    Volume v = Volume::zeros<float>(g);
    std::mt19937 rng(seed);
    std::exponential_distribution<float> e(1.0f);
    for (std::size_t i = 0; i < v.voxels(); ++i)
        v.data<float>()[i] = scale * e(rng);
    return v;
}

// numpy.percentile (linear interpolation) of all values.
float percentile(const Volume& v, double p)
{
    std::vector<float> s(v.data<float>(), v.data<float>() + v.voxels());
    std::sort(s.begin(), s.end());
    const double pos = p / 100.0 * double(s.size() - 1);
    const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
    return static_cast<float>(s[lo] + (pos - double(lo)) * (s[std::min(lo + 1, s.size() - 1)] - s[lo]));
}

} // namespace

TEST_CASE("The engine runs two-input force models with percentile scaling and unbounded vector outputs",
          "[prediction][force]")
{
    torchbackend::install();
    test::TempDir dir;
    const std::string pkg = pairPackage(dir);
    const Volume a = randomVolume({12, 20, 36}, 1, 3.0f), b = randomVolume({12, 20, 36}, 2, 0.5f);

    PredictionOptions opt;
    opt.overlap = 0.5;
    PatchPredictor p(loadModelManifest(pkg), opt);
    MemoryPredictionSink sink;
    const PredictionReport rep = p.run({&a, &b}, sink);
    CHECK(rep.patches > 1);  // really tiled: 12x20x36 in 8x16x16 patches
    REQUIRE(sink.volumes.size() == 3);
    CHECK(sink.maps[0].name == "ux");
    // Each input is scaled by its own 50th and 99.9th percentiles; outputs are written as the network returns them.
    const float a0 = percentile(a, 50), a1 = percentile(a, 99.9), b0 = percentile(b, 50), b1 = percentile(b, 99.9);
    double worst = 0;
    float lowest = 0, highest = 0;
    for (std::size_t i = 0; i < a.voxels(); ++i) {
        const float na = (a.data<float>()[i] - a0) / (a1 - a0), nb = (b.data<float>()[i] - b0) / (b1 - b0);
        const double e0 = std::abs(sink.volumes[0].data<float>()[i] - (na - nb));
        const double e1 = std::abs(sink.volumes[1].data<float>()[i] - 2 * na);
        const double e2 = std::abs(sink.volumes[2].data<float>()[i] - (nb + 1));
        worst = std::max({worst, e0, e1, e2});
        lowest = std::min(lowest, sink.volumes[0].data<float>()[i]);
        highest = std::max(highest, sink.volumes[1].data<float>()[i]);
    }
    CHECK(worst < 1e-4);
    CHECK(lowest < -0.5f);   // not clamped to [0, 1]
    CHECK(highest > 2.0f);

    // One input for a two-input model, inputs of different shapes, and test-time augmentation (which would
    // have to rotate the vector components) are refused.
    CHECK_THROWS_AS(p.run(a, sink), InputError);
    const Volume small = randomVolume({12, 20, 20}, 3, 1.0f);
    CHECK_THROWS_AS(p.run({&a, &small}, sink), InputError);
    PredictionOptions tta;
    tta.tta = 2;
    CHECK_THROWS_AS(PatchPredictor(loadModelManifest(pkg), tta), InputError);
    // The same network declared as a segmentation model may use TTA: every input channel is transformed.
    CHECK_NOTHROW(PatchPredictor(loadModelManifest(pairPackage(dir, "segmentation")), tta).run({&a, &b}, sink));
}

TEST_CASE("The learned force method is within twice the classical displacement error on a Kelvin field",
          "[tfm][force]")
{
    torchbackend::install();
    BeadPairParams bpp;  // 1 % noise, 0.4 µm voxels, 8 forces of 8 nN on the cell
    bpp.shape = {64, 96, 96};
    bpp.seed = 2;
    const BeadPair bp = generateBeadPair(bpp);
    const auto relaxed = std::make_shared<const Volume>(bp.relaxed);
    const auto stressed = std::make_shared<const Volume>(bp.stressed);

    TfmInputs ci;
    ci.relaxed = relaxed;
    ci.stressed = stressed;
    ci.params.elasticity.material = bp.material;
    const TfmResult classical = runClassicalTfm(ci);

    LearnedTfmInputs li;
    li.relaxed = relaxed;
    li.stressed = stressed;
    li.modelDirectory = FORCE_MODEL_DIR;
    li.prediction.device = "cpu";
    li.prediction.threads = 2;
    li.elasticity.material = bp.material;
    const auto t0 = std::chrono::steady_clock::now();
    const LearnedTfmResult learned = runLearnedTfm(li);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // Same node grid, same physics outputs.
    REQUIRE(learned.tfm.dvc.nodes.shape == classical.dvc.nodes.shape);
    CHECK(learned.tfm.dvc.nodes.origin_um == classical.dvc.nodes.origin_um);
    CHECK(learned.tfm.elasticity.nodalForce_pN.components() == 3);
    CHECK(learned.modelName == "force-synthetic");

    const auto c = test::kelvinFieldError(classical.dvc.nodes, classical.dvc.displacement_um, bp);
    const auto l = test::kelvinFieldError(learned.tfm.dvc.nodes, learned.tfm.dvc.displacement_um, bp);
    INFO("classical RMSE x " << c.rmse_vox[0] << " y " << c.rmse_vox[1] << " z " << c.rmse_vox[2] << "; learned x "
                             << l.rmse_vox[0] << " y " << l.rmse_vox[1] << " z " << l.rmse_vox[2]
                             << " voxel; max judged |u| " << c.maxTrue_vox << " voxel; learned " << seconds << " s");
    REQUIRE(c.nodes > 30);
    CHECK(c.maxTrue_vox > 0.25);  // the judged field is not trivially small
    for (int k = 0; k < 3; ++k) {
        CHECK(l.rmse_vox[k] < 2.0 * c.rmse_vox[k]);  // the criterion, per axis
        CHECK(l.rmse_vox[k] < 0.1);                  // and the classical method's own target
    }

    // A fluorescence package is not a force model.
    li.modelDirectory = RI2FL_MODEL_DIR;
    CHECK_THROWS_AS(runLearnedTfm(li), InputError);
}

TEST_CASE("The learned force method takes a stage drift beyond its capture range out before the network",
          "[tfm][force]")
{
    torchbackend::install();
    BeadPairParams bpp;  // as in the Kelvin test above
    bpp.shape = {64, 96, 96};
    bpp.seed = 2;
    const BeadPair bp = generateBeadPair(bpp);
    // The stressed stack moved by whole voxels (z, y, x), as a stage drifts between acquisitions: a bead
    // at p + u in the stressed volume now lies at p + u + drift. Uncovered voxels get the median
    // background.
    const std::array<long, 3> drift{4, -8, 6};
    const Volume source = bp.stressed.toFloat();
    Volume moved = Volume::zeros<float>(bp.stressed.grid());
    {
        const float* src = source.data<float>();
        std::vector<float> sorted(src, src + moved.voxels());
        std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
        const float background = sorted[sorted.size() / 2];
        const auto& n = moved.shape();
        float* dst = moved.data<float>();
        for (long z = 0; z < long(n[0]); ++z)
            for (long y = 0; y < long(n[1]); ++y)
                for (long x = 0; x < long(n[2]); ++x) {
                    const long sz = z - drift[0], sy = y - drift[1], sx = x - drift[2];
                    const bool inside = sz >= 0 && sy >= 0 && sx >= 0 && sz < long(n[0]) && sy < long(n[1]) &&
                                        sx < long(n[2]);
                    dst[(z * long(n[1]) + y) * long(n[2]) + x] =
                        inside ? src[(sz * long(n[1]) + sy) * long(n[2]) + sx] : background;
                }
    }
    const auto stressed = std::make_shared<const Volume>(std::move(moved));
    LearnedTfmInputs li;
    li.relaxed = std::make_shared<const Volume>(bp.relaxed);
    li.stressed = stressed;
    li.modelDirectory = FORCE_MODEL_DIR;
    li.prediction.device = "cpu";
    li.elasticity.material = bp.material;
    const LearnedTfmResult r = runLearnedTfm(li);
    CHECK(r.tfm.dvc.drift_vox == std::array<double, 3>{6, -8, 4});  // (x, y, z)
    TfmInputs ci;
    ci.relaxed = li.relaxed;
    ci.stressed = stressed;
    ci.params.elasticity.material = bp.material;
    const TfmResult classical = runClassicalTfm(ci);

    // Each field less the drift against the Kelvin truth, at the nodes the other tests judge.
    auto error = [&](const DvcResult& d) {
        Volume residual = d.displacement_um;
        float* u = residual.data<float>();
        for (std::size_t i = 0; i < residual.voxels(); ++i)
            for (int c = 0; c < 3; ++c)
                u[3 * i + c] -= static_cast<float>(drift[static_cast<std::size_t>(2 - c)] *
                                                   bp.relaxed.grid().spacing_um[2 - c]);
        return test::kelvinFieldError(d.nodes, residual, bp);
    };
    const auto l = error(r.tfm.dvc), c = error(classical.dvc);
    INFO("after a drift of (z, y, x) 4, -8, 6 voxels: classical RMSE x " << c.rmse_vox[0] << " y " << c.rmse_vox[1]
         << " z " << c.rmse_vox[2] << ", learned x " << l.rmse_vox[0] << " y " << l.rmse_vox[1] << " z " << l.rmse_vox[2]);
    // The edges the drift uncovers hold no beads, which costs both methods accuracy at the outer nodes.
    // (Odd drifts, through the CLI, e.g. 3, -5, 7 voxels: learned 0.043 / 0.036 / 0.043, docs/tfm.md.)
    for (int k = 0; k < 3; ++k)
        CHECK(l.rmse_vox[k] < 2.0 * c.rmse_vox[k]);
}

TEST_CASE("The learned force method recovers a well-separated force dipole, within 20 % and 15 degrees",
          "[tfm][force]")
{
    torchbackend::install();
    for (std::uint64_t seed : {1, 2, 3}) {
        const BeadPair bp = test::dipolePair(seed);
        LearnedTfmInputs li;
        li.relaxed = std::make_shared<const Volume>(bp.relaxed);
        li.stressed = std::make_shared<const Volume>(bp.stressed);
        li.modelDirectory = FORCE_MODEL_DIR;
        li.prediction.device = "cpu";
        li.window = 16;  // the node grid of the classical dipole test
        li.elasticity.material = bp.material;
        const LearnedTfmResult r = runLearnedTfm(li);
        const auto half = test::dipoleHalfSums(bp, r.tfm.dvc.nodes, r.tfm.elasticity.nodalForce_pN);
        for (int k = 0; k < 2; ++k) {
            const Eigen::Vector3d& truth = bp.forces[static_cast<std::size_t>(k)].force_pN;
            const Eigen::Vector3d axis = truth.normalized();
            const double angle = std::acos(std::clamp(half[k].normalized().dot(axis), -1.0, 1.0)) * 57.29578;
            INFO("seed " << seed << " force " << k << ": recovered " << half[k].transpose() << " (" << half[k].norm()
                         << " pN, along the true force " << half[k].dot(axis) << " pN), true " << truth.transpose()
                         << ", angle " << angle << " deg");
            // Measured over seeds 1-3 (docs/tfm.md): magnitude -14.0 % to +17.7 %, direction 3.2-11.8 deg,
            // against the classical -9.1 % to +2.4 % and 1.9-9.2 deg (its test asserts the 15 % and
            // 10 deg): within twice the classical errors (18.2 %, 18.4 deg). The bounds leave a little room
            // for another CPU's floating point.
            CHECK(half[k].norm() == Approx(truth.norm()).epsilon(0.20));
            CHECK(angle < 15.0);
        }
    }
}
