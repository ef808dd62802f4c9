// Tile registration and stitching (core/stitching) on an analytic field of Gaussian blobs, which
// can be sampled at any sub-voxel offset, so every expected shift is known exactly.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "core/stitching/GlobalPlacement.h"
#include "core/stitching/PhaseCorrelation.h"
#include "core/stitching/TileBlender.h"
#include "core/stitching/TileLayout.h"
#include "core/stitching/TileStitcher.h"
#include "core/synth/CellFieldGenerator.h"
#include "core/io/ResultsReader.h"
#include "core/io/ResultsWriter.h"
#include "core/util/Errors.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

#include <nlohmann/json.hpp>

using namespace rfx;

namespace {
struct Blob {
    double z, y, x, sigma, amplitude;
};

std::vector<Blob> blobs(const std::array<double, 3>& extent, int count, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<Blob> out;
    for (int i = 0; i < count; ++i)
        out.push_back({u(rng) * extent[0], u(rng) * extent[1], u(rng) * extent[2], 1.2 + 2.5 * u(rng), 0.005 + 0.02 * u(rng)});
    return out;
}

// RI-like field: medium 1.337 plus blobs, sampled at voxel u + offset, plus optional noise.
Volume sample(const std::vector<Blob>& field, const std::array<std::size_t, 3>& shape, const std::array<double, 3>& offset,
              double noise = 0, unsigned seed = 0)
{
    Grid g;
    g.shape = shape;
    g.spacing_um = {0.2, 0.15, 0.15};
    Volume v = Volume::zeros<float>(g);
    std::mt19937 rng(seed);
    std::normal_distribution<double> n(0, noise > 0 ? noise : 1);
    for (std::size_t z = 0; z < shape[0]; ++z)
        for (std::size_t y = 0; y < shape[1]; ++y)
            for (std::size_t x = 0; x < shape[2]; ++x) {
                const double pz = z + offset[0], py = y + offset[1], px = x + offset[2];
                double s = 1.337;
                for (const Blob& b : field) {
                    const double d2 = (pz - b.z) * (pz - b.z) + (py - b.y) * (py - b.y) + (px - b.x) * (px - b.x);
                    if (d2 < 16 * b.sigma * b.sigma)
                        s += b.amplitude * std::exp(-0.5 * d2 / (b.sigma * b.sigma));
                }
                v.at<float>(z, y, x) = float(s + (noise > 0 ? n(rng) : 0));
            }
    return v;
}

DatasetPtr tileDataset(Volume v, const std::array<double, 3>& originVoxels, const std::string& name)
{
    for (int d = 0; d < 3; ++d)
        v.grid().origin_um[d] = 5.0 + originVoxels[d] * v.grid().spacing_um[d];
    DatasetInfo info;
    info.path = name;
    ChannelInfo ch;
    ch.name = "ri";
    ch.role = ChannelRole::RefractiveIndex;
    ch.unit = "RI";
    ch.grid = v.grid();
    ch.times_s = {0};
    info.channels = {ch};
    return makeMemoryDataset(info, {{std::make_shared<const Volume>(std::move(v))}});
}

// REFRACTOME_SHARED_DATA is "<source dir>/../shared/data" (tests/CMakeLists.txt).
std::string sourceDir()
{
    const std::string shared = REFRACTOME_SHARED_DATA, suffix = "/../shared/data";
    REQUIRE(shared.size() > suffix.size());
    return shared.substr(0, shared.size() - suffix.size());
}
} // namespace

TEST_CASE("Phase correlation finds integer shifts, including ones beyond half the extent", "[stitch]")
{
    const auto field = blobs({30, 60, 80}, 120, 1);
    const std::array<std::size_t, 3> shape{20, 40, 40};
    const Volume a = sample(field, shape, {2, 5, 4}, 0.0005, 1);
    // x moves by 22 of 40 voxels: the FFT alone would report −18 (wrap-around); the overlap check must not.
    for (const std::array<double, 3>& s : {std::array<double, 3>{1, -3, 5}, std::array<double, 3>{-2, 4, 22}}) {
        const Volume b = sample(field, shape, {2 + s[0], 5 + s[1], 4 + s[2]}, 0.0005, 2);
        const PhaseCorrelationResult r = phaseCorrelate(a, b);
        REQUIRE(r.found);
        CHECK(r.correlation > 0.9);
        for (int d = 0; d < 3; ++d)
            CHECK(r.shift[d] == Approx(-s[d]).margin(0.1));
    }
}

TEST_CASE("Phase correlation resolves sub-voxel shifts to a tenth of a voxel", "[stitch]")
{
    const auto field = blobs({30, 60, 60}, 120, 2);
    const std::array<std::size_t, 3> shape{24, 40, 40};
    const Volume a = sample(field, shape, {2, 5, 5});
    const std::array<double, 3> s{0.4, -1.3, 2.7};
    const Volume b = sample(field, shape, {2 + s[0], 5 + s[1], 5 + s[2]});
    const PhaseCorrelationResult r = phaseCorrelate(a, b);
    for (int d = 0; d < 3; ++d)
        CHECK(r.shift[d] == Approx(-s[d]).margin(0.1));
}

TEST_CASE("Least-squares placement reproduces consistent offsets and spreads loop errors", "[stitch]")
{
    PlacementInputs in;
    in.tiles = 3;
    in.anchorPosition = {1, 2, 3};
    in.pairs = {{0, 1, {0, 10, 0}, 1}, {1, 2, {0, 0, 10}, 1}};
    auto p = solvePlacement(in);
    CHECK(p[0] == std::array<double, 3>{1, 2, 3});
    CHECK(p[1][1] == Approx(12));
    CHECK(p[2][2] == Approx(13));
    CHECK(p[2][1] == Approx(12));

    // A loop whose offsets disagree by 1: equal weights share the error equally (1/3 each).
    in.anchorPosition = {0, 0, 0};
    in.pairs = {{0, 1, {0, 0, 10}, 1}, {1, 2, {0, 0, 10}, 1}, {0, 2, {0, 0, 21}, 1}};
    p = solvePlacement(in);
    CHECK(p[1][2] == Approx(10 + 1.0 / 3));
    CHECK(p[2][2] == Approx(21 - 1.0 / 3));

    in.tiles = 4;
    in.pairs = {{0, 1, {0, 0, 10}, 1}, {2, 3, {0, 0, 10}, 1}};
    CHECK_THROWS_AS(solvePlacement(in), InputError);
}

TEST_CASE("Nominal tile positions come from origins or from a grid layout", "[stitch]")
{
    Grid a;
    a.shape = {10, 100, 100};
    a.spacing_um = {0.2, 0.15, 0.15};
    Grid b = a;
    b.origin_um = {0, 0, 12.0};
    const std::vector<std::string> names{"a.h5", "b.h5"};
    auto p = nominalTilePositions({a, b}, std::nullopt, names);
    CHECK(p[1][2] == Approx(80));
    CHECK(p[1][1] == 0);

    // Equal origins: the layout must be given.
    CHECK_THROWS_WITH(nominalTilePositions({a, a}, std::nullopt, names), Catch::Contains("--grid"));
    const TileGridLayout layout = parseTileGrid("2x1", 0.25, "--grid");
    p = nominalTilePositions({a, a}, layout, names);
    CHECK(p[1] == std::array<double, 3>{0, 0, 75});
    CHECK_THROWS_AS(nominalTilePositions({a, a}, parseTileGrid("2x2", 0.25, "--grid"), names), InputError);
    CHECK_THROWS_AS(parseTileGrid("2by2", 0.1, "--grid"), InputError);
    CHECK_THROWS_AS(parseTileGrid("2x2", 1.5, "--grid"), InputError);

    b.spacing_um[2] = 0.16;
    CHECK_THROWS_WITH(nominalTilePositions({a, b}, std::nullopt, names), Catch::Contains("b.h5"));
    CHECK_THROWS_AS(nominalTilePositions({a}, std::nullopt, names), InputError);
}

TEST_CASE("Feathered blending fades smoothly between tiles; labels are never averaged", "[stitch]")
{
    const auto ramp = featherRamp(20, 8);
    CHECK(ramp[0] > 0);
    CHECK(ramp[0] == Approx(ramp[19]));
    CHECK(ramp[10] == 1.f);
    for (std::size_t i = 1; i < 8; ++i)
        CHECK(ramp[i] > ramp[i - 1]);

    Grid g;
    g.shape = {4, 6, 30};
    Grid tg = g;
    tg.shape = {4, 6, 20};
    Volume one = Volume::zeros<float>(tg), three = Volume::zeros<float>(tg);
    std::fill(one.data<float>(), one.data<float>() + one.voxels(), 1.f);
    std::fill(three.data<float>(), three.data<float>() + three.voxels(), 3.f);
    BlendInputs in;
    in.grid = g;
    in.featherWidth = {0, 0, 10};
    in.tiles = {{&one, {0, 0, 0}}, {&three, {0, 0, 10}}};
    const Volume out = blendTiles(in);
    CHECK(out.at<float>(1, 2, 0) == 1.f);
    CHECK(out.at<float>(1, 2, 29) == 3.f);
    CHECK(out.at<float>(1, 2, 14) == Approx(2.f).margin(0.2f));  // middle of the overlap
    for (std::size_t x = 1; x < 30; ++x)
        CHECK(out.at<float>(1, 2, x) >= out.at<float>(1, 2, x - 1) - 1e-6f);

    Volume l1 = Volume::zeros<std::int32_t>(tg), l2 = Volume::zeros<std::int32_t>(tg);
    std::fill(l1.data<std::int32_t>(), l1.data<std::int32_t>() + l1.voxels(), 7);
    std::fill(l2.data<std::int32_t>(), l2.data<std::int32_t>() + l2.voxels(), 9);
    in.labels = true;
    in.tiles = {{&l1, {0, 0, 0}}, {&l2, {0, 0, 10}}};
    const Volume labels = blendTiles(in);
    REQUIRE(labels.type() == VoxelType::Int32);
    CHECK(labels.at<std::int32_t>(1, 2, 11) == 7);  // nearer tile 1's centre
    CHECK(labels.at<std::int32_t>(1, 2, 18) == 9);
}

TEST_CASE("Two jittered tiles are registered to a tenth of a voxel and stitched back into the field", "[stitch]")
{
    const auto field = blobs({24, 80, 140}, 300, 3);
    const std::array<std::size_t, 3> shape{20, 72, 80};
    // Nominal: second tile 60 voxels to the right; truth: off by (1, −2, 3).
    const std::array<double, 3> true0{2, 4, 2}, true1{3, 2, 65};
    StitchInputs in;
    in.tiles = {tileDataset(sample(field, shape, true0, 0.001, 1), {2, 4, 2}, "left"),
                tileDataset(sample(field, shape, true1, 0.001, 2), {2, 4, 62}, "right")};
    const StitchResult r = stitchTiles(in);
    REQUIRE(r.pairs.size() == 1);
    CHECK(r.pairs[0].used);
    for (int d = 0; d < 3; ++d)
        CHECK(r.positions[1][d] - r.positions[0][d] == Approx(true1[d] - true0[d]).margin(0.1));
    REQUIRE(r.volumes.size() == 1);
    const Volume& v = r.volumes[0];
    CHECK(v.shape() == std::array<std::size_t, 3>{21, 74, 143});
    CHECK(r.channels[0].name == "ri");

    // Mosaic voxel k shows field voxel k − offset[0] + true0; compare where any tile reaches.
    const Volume truth = sample(field, v.shape(), {true0[0] - r.offsets[0][0], true0[1] - r.offsets[0][1],
                                                   true0[2] - r.offsets[0][2]});
    double sq = 0, worst = 0;
    std::size_t count = 0;
    const auto inTile = [&](std::size_t i, std::size_t z, std::size_t y, std::size_t x) {
        const std::array<long, 3> p{long(z) - r.offsets[i][0], long(y) - r.offsets[i][1], long(x) - r.offsets[i][2]};
        for (int d = 0; d < 3; ++d)
            if (p[d] < 0 || p[d] >= long(shape[d]))
                return false;
        return true;
    };
    for (std::size_t z = 0; z < v.shape()[0]; ++z)
        for (std::size_t y = 0; y < v.shape()[1]; ++y)
            for (std::size_t x = 0; x < v.shape()[2]; ++x) {
                if (!inTile(0, z, y, x) && !inTile(1, z, y, x)) {
                    CHECK(v.at<float>(z, y, x) == Approx(1.337f));
                    continue;
                }
                const double e = v.at<float>(z, y, x) - truth.at<float>(z, y, x);
                sq += e * e;
                worst = std::max(worst, std::abs(e));
                ++count;
            }
    CHECK(std::sqrt(sq / double(count)) < 0.0012);  // the tiles' own noise (0.001), nothing more
    CHECK(worst < 0.006);
}

TEST_CASE("Stitching refuses single, non-overlapping and position-less tiles", "[stitch]")
{
    const auto field = blobs({20, 40, 120}, 60, 4);
    const std::array<std::size_t, 3> shape{16, 32, 40};
    StitchInputs in;
    in.tiles = {tileDataset(sample(field, shape, {0, 0, 0}), {0, 0, 0}, "a")};
    CHECK_THROWS_AS(stitchTiles(in), InputError);
    in.tiles.push_back(tileDataset(sample(field, shape, {0, 0, 60}), {0, 0, 60}, "far"));
    CHECK_THROWS_WITH(stitchTiles(in), Catch::Contains("does not overlap any other tile"));
    in.tiles[1] = tileDataset(sample(field, shape, {0, 0, 30}), {0, 0, 0}, "same-origin");
    CHECK_THROWS_WITH(stitchTiles(in), Catch::Contains("--grid"));
    in.layout = parseTileGrid("2x1", 0.25, "--grid");
    const StitchResult r = stitchTiles(in);
    CHECK(r.positions[1][2] == Approx(30).margin(0.5));
    in.channel = "fl";
    CHECK_THROWS_WITH(stitchTiles(in), Catch::Contains("no channel named 'fl'"));
}

TEST_CASE("Pairwise offsets of synthetic RI tiles agree with scikit-image's phase correlation", "[stitch][independent]")
{
    if (std::system("/usr/bin/python3 -c 'import h5py, scipy, skimage' >/dev/null 2>&1") != 0) {
        WARN("skipped: /usr/bin/python3 with h5py, scipy and scikit-image not available");
        return;
    }
    using P = std::array<double, 3>;
    CellFieldParams params;
    params.shape = {24, 176, 176};
    params.cells = 4;
    params.seed = 5;
    const Volume world = generateCellField(params).frames[0].ri;
    const std::array<std::size_t, 3> shape{20, 100, 100};
    const std::array<P, 4> nominal{P{2, 4, 4}, P{2, 4, 72}, P{2, 72, 4}, P{2, 72, 72}};
    const std::array<P, 4> truth{P{3, 2, 6}, P{1, 7, 70}, P{4, 74, 2}, P{2, 75, 76}};
    test::TempDir dir;
    StitchInputs in;
    std::string args;
    for (std::size_t i = 0; i < 4; ++i) {
        Grid g = world.grid();
        g.shape = shape;
        Volume tile = Volume::zeros<float>(g);
        std::mt19937 rng{unsigned(i)};
        std::normal_distribution<float> noise(0.f, 0.001f);
        for (std::size_t z = 0; z < shape[0]; ++z)
            for (std::size_t y = 0; y < shape[1]; ++y)
                for (std::size_t x = 0; x < shape[2]; ++x)
                    tile.at<float>(z, y, x) = world.at<float>(z + std::size_t(truth[i][0]), y + std::size_t(truth[i][1]),
                                                              x + std::size_t(truth[i][2])) + noise(rng);
        const std::string path = dir.file("tile" + std::to_string(i) + ".h5");
        writeResults(path, *tileDataset(std::move(tile), nominal[i], path));
        in.tiles.push_back(openResults(path));
        args += " " + test::quoted(path);
    }
    const StitchResult r = stitchTiles(in);
    const auto py = test::runShell("/usr/bin/python3 " + test::quoted(sourceDir() + "/tests/tools/stitch_reference.py") + " ri" + args);
    INFO(py.err);
    REQUIRE(py.exitCode == 0);
    const auto ref = nlohmann::json::parse(py.out)["pairs"];
    REQUIRE(ref.size() == r.pairs.size());
    for (std::size_t k = 0; k < r.pairs.size(); ++k) {
        const StitchPair& p = r.pairs[k];
        REQUIRE(ref[k]["a"] == p.a);
        REQUIRE(ref[k]["b"] == p.b);
        for (int d = 0; d < 3; ++d) {
            INFO("pair " << p.a << "-" << p.b << " axis " << d);
            const double expected = truth[p.b][d] - truth[p.a][d];
            CHECK(p.measured[d] == Approx(ref[k]["offset"][d].get<double>()).margin(0.1));
            CHECK(p.measured[d] == Approx(expected).margin(0.1));
            CHECK(ref[k]["offset"][d].get<double>() == Approx(expected).margin(0.5));
        }
    }
    for (std::size_t i = 1; i < 4; ++i)
        for (int d = 0; d < 3; ++d)
            CHECK(r.positions[i][d] - r.positions[0][d] == Approx(truth[i][d] - truth[0][d]).margin(0.1));
}

TEST_CASE("All-channel stitching composes every shared channel with the registered placement", "[stitch]")
{
    const auto field = blobs({20, 40, 100}, 150, 6);
    const std::array<std::size_t, 3> shape{16, 32, 56};
    std::vector<DatasetPtr> tiles;
    for (int i = 0; i < 2; ++i) {
        const double x0 = i == 0 ? 0 : 40;
        Volume ri = sample(field, shape, {0, 0, x0});
        Grid g = ri.grid();
        for (int d = 0; d < 3; ++d)
            g.origin_um[d] = (d == 2 ? x0 : 0) * g.spacing_um[d];
        ri.grid() = g;
        Volume labels = Volume::zeros<std::int32_t>(g);
        std::fill(labels.data<std::int32_t>(), labels.data<std::int32_t>() + labels.voxels(), 10 + i);
        Grid small = g;
        small.shape = {16, 32, 20};
        DatasetInfo info;
        info.channels.resize(3);
        info.channels[0].name = "ri";
        info.channels[0].role = ChannelRole::RefractiveIndex;
        info.channels[1].name = "cell_labels";
        info.channels[1].role = ChannelRole::Labels;
        info.channels[2].name = "mip";  // a different shape: cannot follow the RI placement
        info.channels[2].role = ChannelRole::Other;
        tiles.push_back(makeMemoryDataset(info, {{std::make_shared<const Volume>(std::move(ri))},
                                                 {std::make_shared<const Volume>(std::move(labels))},
                                                 {std::make_shared<const Volume>(Volume::zeros<float>(small))}}));
    }
    StitchInputs in;
    in.tiles = tiles;
    in.allChannels = true;
    const StitchResult r = stitchTiles(in);
    REQUIRE(r.channels.size() == 2);
    CHECK(r.channels[1].name == "cell_labels");
    CHECK(r.skippedChannels == std::vector<std::string>{"mip"});
    const Volume& labels = r.volumes[1];
    REQUIRE(labels.type() == VoxelType::Int32);
    CHECK(labels.shape() == std::array<std::size_t, 3>{16, 32, 96});
    CHECK(labels.at<std::int32_t>(8, 16, 10) == 10);
    CHECK(labels.at<std::int32_t>(8, 16, 90) == 11);
    for (std::size_t x = 0; x < 96; ++x) {
        const auto v = labels.at<std::int32_t>(8, 16, x);
        CHECK((v == 10 || v == 11));
    }
}
