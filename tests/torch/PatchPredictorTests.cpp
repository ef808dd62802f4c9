// The patch engine against whole-volume inference (exactness contract), test-time augmentation,
// Monte Carlo dropout, streaming order and refusals, with small networks written by Python.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "core/prediction/AxisTiling.h"
#include "core/prediction/PatchPredictor.h"
#include "core/torch/TorchBackend.h"
#include "core/util/Errors.h"
#include "core/util/Sha256.h"
#include "tests/support/TempDir.h"

using namespace rfx;

namespace {

struct Models {
    test::TempDir dir;
    Models()
    {
        torchbackend::install();
        const std::string cmd = "/usr/bin/python3 " MAKE_PATCH_MODELS_SCRIPT " " + dir.path();
        REQUIRE(std::system(cmd.c_str()) == 0);
    }
    // A package folder holding `file` with the given outputs and patch.
    std::string package(const std::string& name, const std::string& file, std::vector<std::string> outputs,
                        std::array<std::size_t, 3> patch, std::array<double, 3> voxel = {0.2, 0.15, 0.15})
    {
        const std::string pkg = dir.file(name);
        std::filesystem::create_directories(pkg);
        std::filesystem::copy_file(dir.file(file), pkg + "/" + file, std::filesystem::copy_options::overwrite_existing);
        nlohmann::json j = {{"name", name},
                            {"task", "fluorescence"},
                            {"files", {{{"path", file}, {"outputs", outputs}}}},
                            {"input", {{"voxel_size_um", voxel}, {"clip", {1.337, 1.39}}, {"patch", patch}}},
                            {"output_range", {-1000, 1000}},
                            {"sha256", {{file, sha256File(pkg + "/" + file)}}}};
        std::ofstream(pkg + "/model.json") << j.dump(2);
        return pkg;
    }
};

Volume randomRI(std::array<std::size_t, 3> shape, unsigned seed, std::array<double, 3> spacing = {0.2, 0.15, 0.15})
{
    Grid g;
    g.shape = shape;
    g.spacing_um = spacing;
    Volume v = Volume::zeros<float>(g);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(1.330f, 1.400f);
    for (std::size_t i = 0; i < v.voxels(); ++i)
        v.data<float>()[i] = u(rng);
    return v;
}

// Records the order in which rows arrive.
class RecordingSink : public MemoryPredictionSink {
public:
    void write(std::size_t map, std::size_t y0, const Volume& block) override
    {
        if (map == 0)
            rows.emplace_back(y0, block.shape()[1]);
        MemoryPredictionSink::write(map, y0, block);
    }
    std::vector<std::pair<std::size_t, std::size_t>> rows;
};

} // namespace

TEST_CASE("Tiled prediction equals the network on the whole padded volume", "[prediction][exactness]")
{
    Models models;
    const std::array<std::size_t, 3> patch{8, 32, 32};  // overlap 4/16/16 -> margins 1/4/4 >= radius 2 in y, x
    const std::string pkg = models.package("conv2", "conv2.pt", {"a", "b"}, patch);
    // z: 6 slices fit one patch (no z tiling); a 20-slice volume tiles in z with margin 1 < radius 2,
    // so the contract is checked where it holds: use a z-patch that covers the volume.
    const Volume ri = randomRI({6, 70, 90}, 5);
    PredictionOptions opt;
    opt.batch = 3;
    PatchPredictor predictor(loadModelManifest(pkg), opt);
    RecordingSink sink;
    PredictionReport report = predictor.run(ri, sink);
    REQUIRE(sink.maps.size() == 2);
    CHECK(report.patches == 1 * 4 * 6);  // y: 70 -> 80 padded = 4 patches; x: 90 -> 112 padded = 6

    // Reference: mirror-pad exactly as the tiling does, normalise, one forward pass, crop.
    const AxisTiling tz = planAxis(6, 8, 0.5), ty = planAxis(70, 32, 0.5), tx = planAxis(90, 32, 0.5);
    const std::size_t Z = tz.paddedLength(), Y = ty.paddedLength(), X = tx.paddedLength();
    Tensor whole;
    whole.shape = {1, 1, (std::int64_t)Z, (std::int64_t)Y, (std::int64_t)X};
    whole.values.resize(Z * Y * X);
    for (std::size_t z = 0; z < Z; ++z)
        for (std::size_t y = 0; y < Y; ++y)
            for (std::size_t x = 0; x < X; ++x) {
                const float v = ri.at<float>(mirrorIndex((long long)z - (long long)tz.padBefore, 6),
                                             mirrorIndex((long long)y - (long long)ty.padBefore, 70),
                                             mirrorIndex((long long)x - (long long)tx.padBefore, 90));
                whole.values[(z * Y + y) * X + x] = (std::clamp(v, 1.337f, 1.39f) - 1.337f) / (1.39f - 1.337f);
            }
    auto net = inferenceBackend()->load(pkg + "/conv2.pt", "cpu");
    Tensor ref = net->forward(whole);
    double lo = 1e9, hi = -1e9, worst = 0;
    for (std::size_t c = 0; c < 2; ++c)
        for (std::size_t z = 0; z < 6; ++z)
            for (std::size_t y = 0; y < 70; ++y)
                for (std::size_t x = 0; x < 90; ++x) {
                    const float r = ref.values[((c * Z + z + tz.padBefore) * Y + y + ty.padBefore) * X + x + tx.padBefore];
                    lo = std::min<double>(lo, r);
                    hi = std::max<double>(hi, r);
                    worst = std::max<double>(worst, std::abs(r - sink.volumes[c].at<float>(z, y, x)));
                }
    INFO("max |tiled - whole| = " << worst << " over output range " << (hi - lo));
    CHECK(worst <= 1e-4 * (hi - lo));

    // Streaming: every row arrives exactly once, in order.
    std::size_t next = 0;
    for (auto [y0, rows] : sink.rows) {
        CHECK(y0 == next);
        next = y0 + rows;
    }
    CHECK(next == 70);
}

TEST_CASE("Test-time augmentation inverts its transforms; Monte Carlo dropout is seeded", "[prediction][uncertainty]")
{
    Models models;
    const Volume ri = randomRI({4, 40, 40}, 9);
    {
        // Output == normalised input for every dihedral transform: zero data uncertainty.
        PredictionOptions opt;
        opt.tta = 8;
        std::vector<std::string> warnings;
        opt.mc = 4;
        PatchPredictor p(loadModelManifest(models.package("id", "identity.pt", {"same"}, {4, 16, 16})), opt,
                         [&](const std::string& w) { warnings.push_back(w); });
        REQUIRE(p.maps().size() == 2);  // no dropout: no model-uncertainty map
        CHECK(p.maps()[1].name == "same_data_std");
        REQUIRE(warnings.size() == 1);
        CHECK(warnings[0].find("no dropout") != std::string::npos);
        MemoryPredictionSink sink;
        p.run(ri, sink);
        double maxStd = 0, maxErr = 0;
        for (std::size_t i = 0; i < ri.voxels(); ++i) {
            const float expected = (std::clamp(ri.data<float>()[i], 1.337f, 1.39f) - 1.337f) / 0.053f;
            maxErr = std::max<double>(maxErr, std::abs(sink.volumes[0].data<float>()[i] - expected));
            maxStd = std::max<double>(maxStd, sink.volumes[1].data<float>()[i]);
        }
        CHECK(maxErr < 1e-5);
        CHECK(maxStd < 1e-5);
    }
    {
        PredictionOptions opt;
        opt.tta = 2;
        opt.mc = 5;
        opt.seed = 42;
        const std::string pkg = models.package("conv", "conv2.pt", {"a", "b"}, {4, 16, 16});
        auto runOnce = [&](std::uint64_t seed) {
            opt.seed = seed;
            PatchPredictor p(loadModelManifest(pkg), opt);
            MemoryPredictionSink sink;
            PredictionReport r = p.run(ri, sink);
            CHECK(r.modelUncertainty);
            CHECK(r.dataUncertainty);
            return sink;
        };
        MemoryPredictionSink a = runOnce(42), b = runOnce(42), c = runOnce(43);
        REQUIRE(a.maps.size() == 6);
        CHECK(a.maps[2].name == "a_model_std");
        CHECK(a.maps[2].role == ChannelRole::Uncertainty);
        CHECK(a.maps[2].derivedFrom == "a");
        double modelStd = 0;
        for (std::size_t i = 0; i < ri.voxels(); ++i)
            modelStd += a.volumes[2].data<float>()[i];
        CHECK(modelStd > 0);
        for (std::size_t m = 0; m < 6; ++m)
            for (std::size_t i = 0; i < ri.voxels(); i += 17)
                REQUIRE(a.volumes[m].data<float>()[i] == b.volumes[m].data<float>()[i]);
        bool differs = false;
        for (std::size_t i = 0; i < ri.voxels() && !differs; ++i)
            differs = a.volumes[2].data<float>()[i] != c.volumes[2].data<float>()[i];
        CHECK(differs);
    }
}

TEST_CASE("Inputs at another voxel size are resampled and returned on their own grid", "[prediction][resample]")
{
    Models models;
    const Volume ri = randomRI({4, 30, 50}, 3, {0.4, 0.3, 0.3});
    PatchPredictor p(loadModelManifest(models.package("id2", "identity.pt", {"same"}, {8, 32, 32})), {});
    MemoryPredictionSink sink;
    PredictionReport r = p.run(ri, sink);
    CHECK(r.resampled);
    REQUIRE(sink.volumes.size() == 1);
    CHECK(sink.volumes[0].grid() == ri.grid());
    // An identity network returns the normalised input, up to interpolation smoothing.
    double err = 0;
    for (std::size_t i = 0; i < ri.voxels(); ++i)
        err += std::abs(sink.volumes[0].data<float>()[i] -
                        (std::clamp(ri.data<float>()[i], 1.337f, 1.39f) - 1.337f) / 0.053f);
    CHECK(err / double(ri.voxels()) < 0.25);
}

TEST_CASE("Models whose outputs disagree with the manifest, or broken packages, are refused", "[prediction][manifest]")
{
    Models models;
    const Volume ri = randomRI({4, 20, 20}, 1);
    // The network has 2 outputs; the manifest claims 3.
    PatchPredictor wrong(loadModelManifest(models.package("w", "conv2.pt", {"a", "b", "c"}, {4, 16, 16})), {});
    MemoryPredictionSink sink;
    CHECK_THROWS_WITH(wrong.run(ri, sink), Catch::Contains("disagrees with its manifest"));

    const std::string pkg = models.package("t", "conv2.pt", {"a", "b"}, {4, 16, 16});
    std::ofstream(pkg + "/conv2.pt", std::ios::app) << "junk";
    CHECK_THROWS_WITH(PatchPredictor(loadModelManifest(pkg), {}), Catch::Contains("checksum mismatch"));

    PredictionOptions bad;
    bad.tta = 9;
    CHECK_THROWS_AS(PatchPredictor(loadModelManifest(models.package("u", "conv2.pt", {"a", "b"}, {4, 16, 16})), bad),
                    InputError);

    CancelToken cancel;
    cancel.cancel();
    PatchPredictor ok(loadModelManifest(models.package("v", "conv2.pt", {"a", "b"}, {4, 16, 16})), {});
    CHECK_THROWS_AS(ok.run(ri, sink, {}, cancel), CancelledError);
}
