// End-to-end tests of refractome-cli through its documented contracts: exit codes (0 ok,
// 1 failure, 2 bad input), JSON on stdout, one-line errors, and no output left behind on failure.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/io/ResultsReader.h"
#include "core/io/TiffReader.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TcfTestWriter.h"
#include "tests/support/TempDir.h"

using namespace rfx;
using test::quoted;
using test::runCli;

namespace {
std::size_t lineCount(const std::string& s)
{
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

std::string readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
} // namespace

TEST_CASE("CLI help, version and usage errors", "[cli]")
{
    auto help = runCli("--help");
    CHECK(help.exitCode == 0);
    for (const char* cmd : {"info", "convert", "synth"})
        CHECK(help.out.find(cmd) != std::string::npos);
    auto version = runCli("--version");
    CHECK(version.exitCode == 0);
    CHECK(version.out.rfind("refractome-cli ", 0) == 0);
    CHECK(runCli("info --help").out.find("usage: refractome-cli info") != std::string::npos);
    CHECK(runCli("").exitCode == 2);
    CHECK(runCli("frobnicate").exitCode == 2);
    auto badOption = runCli("info x.tif --bogus");
    CHECK(badOption.exitCode == 2);
    CHECK(badOption.err.find("--bogus") != std::string::npos);
    CHECK(runCli("info").exitCode == 2);
}

TEST_CASE("synth cells -> info -> convert to TIFF and back", "[cli]")
{
    test::TempDir dir;
    const std::string h5 = dir.file("cells.h5");
    auto synth = runCli("synth cells --size 16,64,64 --cells 2 --frames 3 --seed 5 --quiet -o " + quoted(h5));
    REQUIRE(synth.exitCode == 0);

    auto info = runCli("info " + quoted(h5));
    REQUIRE(info.exitCode == 0);
    auto j = nlohmann::json::parse(info.out);
    CHECK(j["shape"] == nlohmann::json({16, 64, 64}));
    CHECK(j["spacing_um"][0].get<double>() == Approx(0.2));
    CHECK(j["spacing_um"][2].get<double>() == Approx(0.15));
    CHECK(j["frames"] == 3);
    CHECK(j["times_s"].size() == 3);
    CHECK(j["times_s"][1].get<double>() == Approx(60.0));
    const auto channels = j["channels"].get<std::vector<std::string>>();
    for (const char* c : {"ri", "actin", "mitochondria", "lipid_droplets", "membrane", "nucleus", "nucleoli",
                          "nucleus_labels", "cell_labels"})
        CHECK(std::find(channels.begin(), channels.end(), c) != channels.end());
    CHECK(j["min"].get<double>() > 1.30);
    CHECK(j["max"].get<double>() < 1.50);
    CHECK(j["max"].get<double>() > j["min"].get<double>());

    const std::string tif = dir.file("ri_t2.tif");
    REQUIRE(runCli("convert " + quoted(h5) + " " + quoted(tif) + " --channel ri --frame 2").exitCode == 0);
    DatasetPtr fromTif = openTiff(tif);
    DatasetPtr fromH5 = openResults(h5);
    VolumePtr a = fromTif->frame(0, 0), b = fromH5->frame(0, 2);
    REQUIRE(a->shape() == b->shape());
    REQUIRE(a->type() == VoxelType::Float32);
    for (std::size_t i = 0; i < a->voxels(); i += 7)
        REQUIRE(a->data<float>()[i] == b->data<float>()[i]);
    CHECK(fromTif->channel(0).grid.spacing_um[0] == Approx(0.2).epsilon(1e-4));
    CHECK(fromTif->channel(0).grid.spacing_um[2] == Approx(0.15).epsilon(1e-4));

    // One channel, one frame to HDF5.
    const std::string sub = dir.file("nucleus_t1.h5");
    REQUIRE(runCli("convert " + quoted(h5) + " " + quoted(sub) + " --channel nucleus --frame 1").exitCode == 0);
    auto subInfo = nlohmann::json::parse(runCli("info " + quoted(sub)).out);
    CHECK(subInfo["channels"] == nlohmann::json({"nucleus"}));
    CHECK(subInfo["frames"] == 1);
    CHECK(subInfo["times_s"][0].get<double>() == Approx(60.0));
}

TEST_CASE("synth is deterministic for a seed", "[cli]")
{
    test::TempDir dir;
    const std::string cmd = "synth cells --size 16,48,48 --cells 2 --quiet --seed ";
    REQUIRE(runCli(cmd + "3 -o " + quoted(dir.file("a.h5"))).exitCode == 0);
    REQUIRE(runCli(cmd + "3 -o " + quoted(dir.file("b.h5"))).exitCode == 0);
    REQUIRE(runCli(cmd + "4 -o " + quoted(dir.file("c.h5"))).exitCode == 0);
    CHECK(readAll(dir.file("a.h5")) == readAll(dir.file("b.h5")));
    CHECK(readAll(dir.file("a.h5")) != readAll(dir.file("c.h5")));
}

TEST_CASE("synth beads writes volumes, true forces and material beside each other", "[cli]")
{
    test::TempDir dir;
    const std::string h5 = dir.file("beads.h5");
    auto r = runCli("synth beads --size 32,48,48 --seed 2 --young 2000 --poisson 0.3 --quiet -o " + quoted(h5));
    REQUIRE(r.exitCode == 0);
    for (const char* f : {"beads.h5", "beads_forces.csv", "beads_material.json", "beads_relaxed.tif", "beads_stressed.tif"})
        CHECK(std::filesystem::exists(dir.file(f)));
    auto material = nlohmann::json::parse(readAll(dir.file("beads_material.json")));
    CHECK(material["young_Pa"].get<double>() == 2000.0);
    CHECK(material["poisson"].get<double>() == 0.3);
    const std::string csv = readAll(dir.file("beads_forces.csv"));
    CHECK(csv.rfind("x_um,y_um,z_um,fx_pN,fy_pN,fz_pN", 0) == 0);
    CHECK(lineCount(csv) == 9);  // header + 8 default forces
    auto info = nlohmann::json::parse(runCli("info " + quoted(h5)).out);
    const auto channels = info["channels"].get<std::vector<std::string>>();
    CHECK(channels == std::vector<std::string>{"relaxed", "stressed", "displacement_true", "cell_mask"});

    // Bad material constants are refused before anything is written.
    test::TempDir empty;
    CHECK(runCli("synth beads --poisson 0.5 --quiet -o " + quoted(empty.file("x.h5"))).exitCode == 2);
    CHECK(runCli("synth beads --young -3 --quiet -o " + quoted(empty.file("x.h5"))).exitCode == 2);
    CHECK(test::entryCount(empty.path()) == 0);
}

TEST_CASE("info and convert read TCF files in both layouts", "[cli][tcf]")
{
    test::TempDir dir;
    test::TcfSpec classic;
    classic.shape = {6, 20, 24};
    classic.times = {0.0, 4.5};
    const std::string a = dir.file("classic.TCF");
    test::writeTcf(a, classic);
    auto info = runCli("info " + quoted(a));
    REQUIRE(info.exitCode == 0);
    auto j = nlohmann::json::parse(info.out);
    CHECK(j["format"] == "tcf");
    CHECK(j["frames"] == 2);
    CHECK(j["shape"] == nlohmann::json({6, 20, 24}));
    CHECK(j["spacing_um"][0].get<double>() == Approx(classic.resolution[0]));
    CHECK(j["times_s"][1].get<double>() == Approx(4.5));
    CHECK(j["channels"][0] == "ri");

    test::TcfSpec tiled = classic;
    tiled.layout = test::TcfLayout::Tiled;
    const std::string b = dir.file("tiled.TCF");
    test::writeTcf(b, tiled);
    auto infoTiled = nlohmann::json::parse(runCli("info " + quoted(b)).out);
    CHECK(infoTiled["shape"] == j["shape"]);
    CHECK(infoTiled["min"].get<double>() == Approx(j["min"].get<double>()).margin(1e-3));
    CHECK(infoTiled["max"].get<double>() == Approx(j["max"].get<double>()).margin(1e-3));

    const std::string tif = dir.file("ri.tif");
    REQUIRE(runCli("convert " + quoted(a) + " " + quoted(tif) + " --frame 1").exitCode == 0);
    auto tifInfo = nlohmann::json::parse(runCli("info " + quoted(tif)).out);
    CHECK(tifInfo["shape"] == j["shape"]);
}

TEST_CASE("bad input gives one line naming the file, exit 2, and no output", "[cli]")
{
    test::TempDir dir;
    const std::string fake = dir.file("fake.TCF");
    std::ofstream(fake) << "definitely not HDF5";
    const std::string empty = dir.file("empty.tif");
    std::ofstream(empty) << "";
    const std::string outDir = dir.file("out");
    std::filesystem::create_directory(outDir);

    for (const std::string& in : {fake, empty, dir.file("missing.TCF")}) {
        auto r = runCli("info " + quoted(in));
        CHECK(r.exitCode == 2);
        CHECK(lineCount(r.err) == 1);
        CHECK(r.err.find(in) != std::string::npos);
        auto c = runCli("convert " + quoted(in) + " " + quoted(outDir + "/x.h5"));
        CHECK(c.exitCode == 2);
    }
    // Absurd declared size in a TCF is refused before allocation.
    test::TcfSpec huge;
    huge.attrOverrides["SizeX"] = 1e9;
    const std::string hugePath = dir.file("huge.TCF");
    test::writeTcf(hugePath, huge);
    auto h = runCli("convert " + quoted(hugePath) + " " + quoted(outDir + "/y.tif"));
    CHECK(h.exitCode == 2);
    CHECK(lineCount(h.err) == 1);

    // Unknown channel / frame and bad output type.
    const std::string h5 = dir.file("c.h5");
    REQUIRE(runCli("synth cells --size 16,32,32 --cells 1 --quiet -o " + quoted(h5)).exitCode == 0);
    CHECK(runCli("convert " + quoted(h5) + " " + quoted(outDir + "/z.tif") + " --channel nope").exitCode == 2);
    CHECK(runCli("convert " + quoted(h5) + " " + quoted(outDir + "/z.tif") + " --frame 9").exitCode == 2);
    CHECK(runCli("convert " + quoted(h5) + " " + quoted(outDir + "/z.png")).exitCode == 2);
    CHECK(runCli("convert " + quoted(h5) + " " + quoted(outDir + "/z.tif") + " --channel ri --frame -1").exitCode == 2);
    CHECK(runCli("convert " + quoted(h5) + " " + quoted(dir.file("no/such/dir/z.h5"))).exitCode == 2);
    CHECK(test::entryCount(outDir) == 0);
}
