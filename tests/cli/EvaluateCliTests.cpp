// refractome-cli evaluate: channels matched by name, intensity metrics vs Dice by role, JSON and
// table output, and exit code 2 for incomparable inputs.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include <nlohmann/json.hpp>

#include "core/evaluation/ImageMetrics.h"
#include "core/evaluation/StructuralSimilarity.h"
#include "core/io/ResultsReader.h"
#include "core/io/ResultsWriter.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

using namespace rfx;
using test::quoted;
using test::runCli;

namespace {
// A "prediction" of a synth truth file: the six targets with noise (role predicted_fluorescence)
// and the nucleus labels shifted by one voxel in x.
void writePrediction(const std::string& truthPath, const std::string& out)
{
    DatasetPtr truth = openResults(truthPath);
    ResultsWriter w(out);
    std::mt19937 rng(9);
    std::normal_distribution<float> noise(0.f, 0.05f);
    for (std::size_t c = 0; c < truth->channelCount(); ++c) {
        ChannelInfo ch = truth->channel(c);
        if (ch.role != ChannelRole::MeasuredFluorescence && ch.name != "nucleus_labels")
            continue;
        Volume v = *truth->frame(c, 0);
        if (ch.role == ChannelRole::MeasuredFluorescence) {
            ch.role = ChannelRole::PredictedFluorescence;
            for (std::size_t i = 0; i < v.voxels(); ++i)
                v.data<float>()[i] = std::clamp(v.data<float>()[i] + noise(rng), 0.f, 1.f);
        } else {
            auto* l = v.data<std::int32_t>();
            for (std::size_t i = v.voxels() - 1; i > 0; --i)
                l[i] = l[i - 1];
        }
        ch.times_s = {0};
        w.addChannel(ch, v.type());
        w.writeFrame(ch.name, 0, v);
    }
    w.commit();
}
} // namespace

TEST_CASE("evaluate scores a prediction against synth ground truth", "[cli][evaluate]")
{
    test::TempDir dir;
    const std::string truth = dir.file("truth.h5"), pred = dir.file("pred.h5");
    REQUIRE(runCli("synth cells -o " + quoted(truth) + " --size 16,64,64 --cells 2 --seed 3 --quiet").exitCode == 0);
    writePrediction(truth, pred);

    auto r = runCli("evaluate " + quoted(pred) + " " + quoted(truth) + " --json");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["frame"] == 0);
    CHECK(j["ssim_window"] == 7);
    const auto& ch = j["channels"];
    CHECK(ch.size() == 7);  // six targets + nucleus_labels (the prediction has no cell_labels, no RI)
    for (const char* name : {"actin", "mitochondria", "lipid_droplets", "membrane", "nucleus", "nucleoli"}) {
        INFO(name);
        REQUIRE(ch.contains(name));
        CHECK(ch[name]["psnr"].get<double>() > 15);
        CHECK(ch[name]["psnr"].get<double>() < 40);
        CHECK(ch[name]["ssim"].get<double>() > 0);
        CHECK(ch[name]["ssim"].get<double>() < 1);
        CHECK(ch[name]["data_range"] == 1.0);
        CHECK_FALSE(ch[name].contains("dice"));
    }
    CHECK(ch["nucleus_labels"]["dice"].get<double>() > 0.8);
    CHECK(ch["nucleus_labels"]["dice"].get<double>() < 1.0);
    CHECK_FALSE(ch["nucleus_labels"].contains("psnr"));

    // The CLI reports what core computes on the same frames.
    DatasetPtr t = openResults(truth), p = openResults(pred);
    const VolumePtr tv = t->frame(std::size_t(t->channelIndex("nucleus")), 0);
    const VolumePtr pv = p->frame(std::size_t(p->channelIndex("nucleus")), 0);
    CHECK(ch["nucleus"]["psnr"].get<double>() == Approx(peakSignalToNoiseRatio(*tv, *pv, 1.0)).epsilon(1e-9));
    CHECK(ch["nucleus"]["pcc"].get<double>() == Approx(pearsonCorrelation(*tv, *pv)).epsilon(1e-9));
    CHECK(ch["nucleus"]["ssim"].get<double>() == Approx(structuralSimilarity(*tv, *pv, 1.0)).epsilon(1e-9));

    auto table = runCli("evaluate " + quoted(pred) + " " + quoted(truth) + " --channels nucleus,nucleus_labels");
    REQUIRE(table.exitCode == 0);
    CHECK(table.out.find("PSNR") != std::string::npos);
    CHECK(table.out.find("nucleus_labels") != std::string::npos);
    CHECK(std::count(table.out.begin(), table.out.end(), '\n') == 3);

    auto wide = runCli("evaluate " + quoted(pred) + " " + quoted(truth) + " --json --channels nucleus --ssim-window 11");
    REQUIRE(wide.exitCode == 0);
    SsimOptions eleven;
    eleven.windowTaps = 11;
    CHECK(nlohmann::json::parse(wide.out)["channels"]["nucleus"]["ssim"].get<double>() ==
          Approx(structuralSimilarity(*tv, *pv, 1.0, eleven)).epsilon(1e-9));
}

TEST_CASE("evaluate of a file against itself: PSNR inf (null in JSON), PCC 1, SSIM 1", "[cli][evaluate]")
{
    test::TempDir dir;
    const std::string truth = dir.file("truth.h5");
    REQUIRE(runCli("synth cells -o " + quoted(truth) + " --size 16,64,64 --cells 2 --seed 3 --quiet").exitCode == 0);
    auto r = runCli("evaluate " + quoted(truth) + " " + quoted(truth) + " --json --channels nucleus,ri,cell_labels");
    REQUIRE(r.exitCode == 0);
    const auto ch = nlohmann::json::parse(r.out)["channels"];
    CHECK(ch["nucleus"]["psnr"].is_null());
    CHECK(ch["nucleus"]["pcc"].get<double>() == Approx(1.0));
    CHECK(ch["nucleus"]["ssim"].get<double>() == Approx(1.0));
    CHECK(ch["ri"]["data_range"].get<double>() > 0.01);  // RI: max − min of the truth, not 1
    CHECK(ch["ri"]["data_range"].get<double>() < 0.2);
    CHECK(ch["cell_labels"]["dice"] == 1.0);
    auto table = runCli("evaluate " + quoted(truth) + " " + quoted(truth) + " --channels nucleus");
    CHECK(table.out.find("inf") != std::string::npos);
}

TEST_CASE("evaluate refuses incomparable inputs with exit code 2", "[cli][evaluate]")
{
    test::TempDir dir;
    const std::string a = dir.file("a.h5"), b = dir.file("b.h5"), other = dir.file("other.h5");
    REQUIRE(runCli("synth cells -o " + quoted(a) + " --size 16,64,64 --cells 1 --seed 3 --quiet").exitCode == 0);
    REQUIRE(runCli("synth cells -o " + quoted(b) + " --size 16,64,72 --cells 1 --seed 3 --quiet").exitCode == 0);
    {
        ResultsWriter w(other);
        ChannelInfo ch;
        ch.name = "something_else";
        ch.role = ChannelRole::Other;
        ch.grid.shape = {16, 64, 64};
        ch.times_s = {0};
        w.addChannel(ch, VoxelType::Float32);
        w.writeFrame(ch.name, 0, Volume::zeros<float>(ch.grid));
        w.commit();
    }
    auto shape = runCli("evaluate " + quoted(b) + " " + quoted(a));
    CHECK(shape.exitCode == 2);
    CHECK(shape.err.find("16x64x72") != std::string::npos);
    auto none = runCli("evaluate " + quoted(other) + " " + quoted(a));
    CHECK(none.exitCode == 2);
    CHECK(none.err.find("no channel in common") != std::string::npos);
    CHECK(runCli("evaluate " + quoted(a) + " " + quoted(a) + " --frame 1").exitCode == 2);
    CHECK(runCli("evaluate " + quoted(a) + " " + quoted(a) + " --channels nope").exitCode == 2);
    CHECK(runCli("evaluate " + quoted(a) + " " + quoted(a) + " --ssim-window 4").exitCode == 2);
    CHECK(runCli("evaluate " + quoted(a) + " " + quoted(a) + " --data-range -1").exitCode == 2);
    CHECK(runCli("evaluate " + quoted(a) + " " + quoted(dir.file("missing.h5"))).exitCode == 2);
    CHECK(runCli("evaluate " + quoted(a)).exitCode == 2);
}
