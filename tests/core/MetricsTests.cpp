// Image-quality metrics (core/evaluation): closed-form cases, and an independent comparison with
// numpy/scikit-image (tests/tools/metrics_reference.py) on a perturbed synthetic fluorescence map.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <random>
#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/evaluation/DatasetEvaluation.h"
#include "core/evaluation/ImageMetrics.h"
#include "core/evaluation/StructuralSimilarity.h"
#include "core/synth/CellFieldGenerator.h"
#include "core/util/Errors.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

using namespace rfx;

namespace {
Grid grid(std::size_t z, std::size_t y, std::size_t x)
{
    Grid g;
    g.shape = {z, y, x};
    g.spacing_um = {0.2, 0.15, 0.15};
    return g;
}

Volume filled(const Grid& g, float value)
{
    Volume v = Volume::zeros<float>(g);
    std::fill(v.data<float>(), v.data<float>() + v.voxels(), value);
    return v;
}

Volume randomVolume(const Grid& g, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.f, 1.f);
    Volume v = Volume::zeros<float>(g);
    for (std::size_t i = 0; i < v.voxels(); ++i)
        v.data<float>()[i] = u(rng);
    return v;
}

// A fluorescence-like truth and a plausible "prediction": blurred along x, noisy, clipped to [0,1].
std::pair<Volume, Volume> truthAndPrediction()
{
    CellFieldParams p;
    p.shape = {16, 40, 48};
    p.cells = 2;
    p.seed = 11;
    CellField field = generateCellField(p);
    Volume truth = field.frames[0].fluorescence[kNucleus];
    Volume pred = truth;
    std::mt19937 rng(4);
    std::normal_distribution<float> noise(0.f, 0.05f);
    const auto [Z, Y, X] = truth.shape();
    for (std::size_t z = 0; z < Z; ++z)
        for (std::size_t y = 0; y < Y; ++y)
            for (std::size_t x = 0; x < X; ++x) {
                const float l = truth.at<float>(z, y, x > 0 ? x - 1 : x), r = truth.at<float>(z, y, x + 1 < X ? x + 1 : x);
                const float v = 0.25f * l + 0.5f * truth.at<float>(z, y, x) + 0.25f * r + noise(rng);
                pred.at<float>(z, y, x) = std::clamp(v, 0.f, 1.f);
            }
    return {std::move(truth), std::move(pred)};
}

void writeRaw(const Volume& v, const std::string& path)
{
    std::ofstream(path, std::ios::binary).write(static_cast<const char*>(v.raw()), std::streamsize(v.bytes()));
}

bool pythonReferenceAvailable()
{
    return std::system("/usr/bin/python3 -c 'import numpy, scipy, skimage' >/dev/null 2>&1") == 0;
}

// REFRACTOME_SHARED_DATA is "<source dir>/../shared/data" (tests/CMakeLists.txt).
std::string sourceDir()
{
    const std::string shared = REFRACTOME_SHARED_DATA, suffix = "/../shared/data";
    REQUIRE(shared.size() > suffix.size());
    return shared.substr(0, shared.size() - suffix.size());
}

nlohmann::json runReference(const std::string& args)
{
    const auto r = test::runShell("/usr/bin/python3 " + test::quoted(sourceDir() + "/tests/tools/metrics_reference.py") +
                                  " " + args);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    return nlohmann::json::parse(r.out);
}
} // namespace

TEST_CASE("Identical volumes: PSNR infinite, PCC 1, SSIM 1", "[metrics]")
{
    const Volume a = randomVolume(grid(9, 10, 11), 1);
    CHECK(meanSquaredError(a, a) == 0.0);
    CHECK(std::isinf(peakSignalToNoiseRatio(a, a, 1.0)));
    CHECK(pearsonCorrelation(a, a) == Approx(1.0));
    CHECK(structuralSimilarity(a, a, 1.0) == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("PSNR, PCC and SSIM on closed-form cases", "[metrics]")
{
    const Grid g = grid(8, 9, 10);
    const Volume a = randomVolume(g, 2);
    Volume shifted = a, inverted = a;
    for (std::size_t i = 0; i < a.voxels(); ++i) {
        shifted.data<float>()[i] = a.data<float>()[i] + 0.1f;
        inverted.data<float>()[i] = 1.f - a.data<float>()[i];
    }
    // A constant error of 0.1 on data range 1: MSE 0.01, PSNR 20 dB; range 2 adds 20·log10(2).
    CHECK(peakSignalToNoiseRatio(a, shifted, 1.0) == Approx(20.0).margin(1e-4));
    CHECK(peakSignalToNoiseRatio(a, shifted, 2.0) == Approx(20.0 + 20 * std::log10(2.0)).margin(1e-4));
    CHECK(pearsonCorrelation(a, shifted) == Approx(1.0));
    CHECK(pearsonCorrelation(a, inverted) == Approx(-1.0));
    CHECK(std::isnan(pearsonCorrelation(a, filled(g, 0.5f))));

    // Constant volumes: no variance, so SSIM is the luminance term (2ab + c1) / (a² + b² + c1).
    const double c1 = 0.01 * 0.01;
    CHECK(structuralSimilarity(filled(g, 0.5f), filled(g, 0.25f), 1.0) ==
          Approx((2 * 0.5 * 0.25 + c1) / (0.25 + 0.0625 + c1)).epsilon(1e-9));
    CHECK(structuralSimilarity(a, inverted, 1.0) < 0.0);
}

TEST_CASE("SSIM refuses volumes smaller than its window and even windows", "[metrics]")
{
    const Volume thin = randomVolume(grid(5, 20, 20), 3);
    CHECK_THROWS_AS(structuralSimilarity(thin, thin, 1.0), InputError);
    SsimOptions five;
    five.windowTaps = 5;
    CHECK(structuralSimilarity(thin, thin, 1.0, five) == Approx(1.0));
    five.windowTaps = 4;
    CHECK_THROWS_AS(structuralSimilarity(thin, thin, 1.0, five), std::invalid_argument);
}

TEST_CASE("Dice of label and probability masks", "[metrics]")
{
    const Grid g = grid(4, 10, 10);
    Volume labels = Volume::zeros<std::int32_t>(g), prob = Volume::zeros<float>(g);
    // Truth: x in [0,5) (200 voxels, labels 1 and 2); prediction: x in [3,8) (200 voxels); overlap 80.
    for (std::size_t z = 0; z < 4; ++z)
        for (std::size_t y = 0; y < 10; ++y)
            for (std::size_t x = 0; x < 10; ++x) {
                labels.at<std::int32_t>(z, y, x) = x < 5 ? (y < 5 ? 1 : 2) : 0;
                prob.at<float>(z, y, x) = x >= 3 && x < 8 ? 0.9f : 0.4f;
            }
    CHECK(diceCoefficient(labels, 0.0, prob, 0.5) == Approx(2.0 * 80 / 400));
    CHECK(diceCoefficient(labels, 0.0, labels, 0.0) == Approx(1.0));
    const Volume empty = Volume::zeros<std::int32_t>(g);
    CHECK(diceCoefficient(empty, 0.0, empty, 0.0) == 1.0);
    CHECK(diceCoefficient(labels, 0.0, empty, 0.0) == 0.0);
}

TEST_CASE("Metrics agree with numpy and scikit-image to 1e-5", "[metrics][independent]")
{
    if (!pythonReferenceAvailable()) {
        WARN("skipped: /usr/bin/python3 with numpy, scipy and scikit-image not available");
        return;
    }
    auto [truth, pred] = truthAndPrediction();
    test::TempDir dir;
    writeRaw(truth, dir.file("truth.f32"));
    writeRaw(pred, dir.file("pred.f32"));
    const auto ref = runReference(test::quoted(dir.file("truth.f32")) + " " + test::quoted(dir.file("pred.f32")) +
                                  " 16,40,48 0.5 0.5 1:7 0.8:7 1:11 0.8:11");
    CHECK(meanSquaredError(truth, pred) == Approx(ref["mse"].get<double>()).epsilon(1e-6));
    CHECK(pearsonCorrelation(truth, pred) == Approx(ref["pcc"].get<double>()).margin(1e-5));
    CHECK(diceCoefficient(truth, 0.5, pred, 0.5) == Approx(ref["dice"].get<double>()).margin(1e-12));
    REQUIRE(ref["runs"].size() == 4);
    for (const auto& run : ref["runs"]) {
        const double range = run["data_range"].get<double>();
        SsimOptions o;
        o.windowTaps = run["taps"].get<int>();
        INFO("window " << o.windowTaps << ", data range " << range);
        CHECK(peakSignalToNoiseRatio(truth, pred, range) == Approx(run["psnr"].get<double>()).margin(1e-5));
        CHECK(structuralSimilarity(truth, pred, range, o) == Approx(run["ssim"].get<double>()).margin(1e-5));
    }
}

TEST_CASE("evaluateDatasets matches channels by name and picks the metric kind by role", "[metrics]")
{
    CellFieldParams p;
    p.shape = {12, 32, 32};
    p.cells = 1;
    p.seed = 3;
    DatasetPtr truth = toDataset(generateCellField(p));
    DatasetPtr same = toDataset(generateCellField(p));

    EvaluationInputs in;
    in.truth = truth;
    in.prediction = same;
    const EvaluationReport all = evaluateDatasets(in);
    // Six fluorescence targets and two label channels; RI only when asked for.
    REQUIRE(all.channels.size() == 8);
    for (const ChannelScore& s : all.channels) {
        INFO(s.name);
        CHECK(s.name != "ri");
        if (s.mask) {
            CHECK(s.dice == 1.0);
        } else {
            CHECK(std::isinf(s.psnr));
            CHECK(s.ssim == Approx(1.0));
            CHECK(s.dataRange == 1.0);
        }
    }
    in.channels = {"ri", "nucleus_labels"};
    const EvaluationReport ri = evaluateDatasets(in);
    REQUIRE(ri.channels.size() == 2);
    CHECK_FALSE(ri.channels[0].mask);
    // RI lies outside [0,1]: the data range defaults to the truth's max − min.
    const auto [lo, hi] = truth->frame(std::size_t(truth->channelIndex("ri")), 0)->range();
    CHECK(ri.channels[0].dataRange == Approx(hi - lo));
    CHECK(ri.channels[1].mask);

    in.channels = {"nope"};
    CHECK_THROWS_AS(evaluateDatasets(in), InputError);
    in.channels.clear();
    in.frame = 1;
    CHECK_THROWS_AS(evaluateDatasets(in), InputError);

    p.shape = {12, 32, 40};
    in.frame = 0;
    in.prediction = toDataset(generateCellField(p));
    CHECK_THROWS_WITH(evaluateDatasets(in), Catch::Contains("12x32x40"));
}
