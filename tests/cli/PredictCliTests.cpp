// refractome-cli predict end to end with small model packages written by the test:
// outputs and uncertainty channels, frame ranges, resume of time-lapses, refusals.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/io/ResultsReader.h"
#include "core/util/Sha256.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

#ifdef REFRACTOME_CLI_HAS_TORCH

using namespace rfx;
using test::quoted;
using test::runCli;

namespace {
std::string makePackage(const test::TempDir& dir, const std::string& file, const std::vector<std::string>& outputs)
{
    const std::string pkg = dir.file("pkg_" + file);
    std::filesystem::create_directories(pkg);
    REQUIRE(std::system(("/usr/bin/python3 " MAKE_PATCH_MODELS_SCRIPT " " + quoted(pkg)).c_str()) == 0);
    nlohmann::json j = {{"name", "test-" + file},
                        {"task", "fluorescence"},
                        {"files", {{{"path", file}, {"outputs", outputs}}}},
                        {"input", {{"voxel_size_um", {0.2, 0.15, 0.15}}, {"clip", {1.337, 1.39}}, {"patch", {8, 32, 32}}}},
                        {"sha256", {{file, sha256File(pkg + "/" + file)}}}};
    std::ofstream(pkg + "/model.json") << j.dump(2);
    return pkg;
}
} // namespace

TEST_CASE("predict writes RI, predictions and uncertainty maps for a frame range", "[cli][predict]")
{
    test::TempDir dir;
    const std::string cells = dir.file("cells.h5");
    REQUIRE(runCli("synth cells --size 8,48,48 --cells 1 --frames 3 --quiet -o " + quoted(cells)).exitCode == 0);
    const std::string pkg = makePackage(dir, "conv2.pt", {"nucleus", "actin"});
    const std::string out = dir.file("pred.h5");
    auto r = runCli("predict " + quoted(cells) + " -o " + quoted(out) + " --model " + quoted(pkg) +
                    " --frames 1:3 --tta 2 --mc 2 --seed 3 --quiet");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    DatasetPtr ds = openResults(out);
    std::vector<std::string> names;
    for (std::size_t c = 0; c < ds->channelCount(); ++c)
        names.push_back(ds->channel(c).name);
    CHECK(names == std::vector<std::string>{"ri", "nucleus", "nucleus_data_std", "nucleus_model_std", "actin",
                                            "actin_data_std", "actin_model_std"});
    CHECK(ds->frameCount() == 2);
    CHECK(ds->channel(1).role == ChannelRole::PredictedFluorescence);
    CHECK(ds->channel(2).role == ChannelRole::Uncertainty);
    CHECK(ds->channel(0).times_s == std::vector<double>{60.0, 120.0});
    DatasetPtr src = openResults(cells);
    CHECK(ds->frame(0, 0)->data<float>()[100] == src->frame(0, 1)->data<float>()[100]);
    CHECK_FALSE(std::filesystem::exists(dir.file(".pred.h5.frames")));  // resume folder removed

    // Same options and seed: identical predictions.
    const std::string again = dir.file("again.h5");
    REQUIRE(runCli("predict " + quoted(cells) + " -o " + quoted(again) + " --model " + quoted(pkg) +
                   " --frames 1:3 --tta 2 --mc 2 --seed 3 --quiet")
                .exitCode == 0);
    DatasetPtr ds2 = openResults(again);
    for (std::size_t c = 1; c < ds->channelCount(); ++c)
        for (std::size_t i = 0; i < ds->frame(c, 1)->voxels(); i += 13)
            REQUIRE(ds->frame(c, 1)->data<float>()[i] == ds2->frame(c, 1)->data<float>()[i]);
}

TEST_CASE("predict resumes a time-lapse from frames already done", "[cli][predict]")
{
    test::TempDir dir;
    const std::string cells = dir.file("cells.h5");
    REQUIRE(runCli("synth cells --size 8,40,40 --cells 1 --frames 3 --quiet -o " + quoted(cells)).exitCode == 0);
    const std::string pkg = makePackage(dir, "identity.pt", {"same"});
    // Frame 1 computed earlier (as an interrupted run would have left it).
    const std::string single = dir.file("single.h5");
    REQUIRE(runCli("predict " + quoted(cells) + " --frames 1 --quiet --model " + quoted(pkg) + " -o " + quoted(single))
                .exitCode == 0);
    std::filesystem::create_directories(dir.file(".out.h5.frames"));
    std::filesystem::rename(single, dir.file(".out.h5.frames/frame_000001.h5"));
    auto r = runCli("predict " + quoted(cells) + " --model " + quoted(pkg) + " -o " + quoted(dir.file("out.h5")));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    CHECK(r.err.find("1 frame(s) already done, skipped") != std::string::npos);
    CHECK(openResults(dir.file("out.h5"))->frameCount() == 3);
}

TEST_CASE("predict refuses non-RI input and broken model packages without writing", "[cli][predict]")
{
    test::TempDir dir;
    const std::string pkg = makePackage(dir, "identity.pt", {"same"});
    const std::string beads = dir.file("beads.h5");
    REQUIRE(runCli("synth beads --size 16,32,32 --quiet -o " + quoted(beads)).exitCode == 0);
    const std::string cells = dir.file("cells.h5");
    REQUIRE(runCli("synth cells --size 8,32,32 --cells 1 --quiet -o " + quoted(cells)).exitCode == 0);
    const std::string outDir = dir.file("out");
    std::filesystem::create_directory(outDir);
    const std::string out = quoted(outDir + "/p.h5");

    auto notRi = runCli("predict " + quoted(beads) + " --model " + quoted(pkg) + " -o " + out);
    CHECK(notRi.exitCode == 2);
    CHECK(notRi.err.find("not an RI volume") != std::string::npos);
    CHECK(runCli("predict " + quoted(cells) + " --model " + quoted(dir.file("nope")) + " -o " + out).exitCode == 2);
    CHECK(runCli("predict " + quoted(cells) + " --model " + quoted(pkg) + " --tta 9 -o " + out).exitCode == 2);
    CHECK(runCli("predict " + quoted(cells) + " --model " + quoted(pkg) + " --frames 5:9 -o " + out).exitCode == 2);

    std::ofstream(pkg + "/identity.pt", std::ios::app) << "tampered";
    auto tampered = runCli("predict " + quoted(cells) + " --model " + quoted(pkg) + " -o " + out);
    CHECK(tampered.exitCode == 2);
    CHECK(tampered.err.find("checksum mismatch") != std::string::npos);
    std::ofstream(pkg + "/model.json") << "{\"name\": 1}";
    CHECK(runCli("predict " + quoted(cells) + " --model " + quoted(pkg) + " -o " + out).exitCode == 2);
    CHECK(test::entryCount(outDir) == 0);
}

#endif
