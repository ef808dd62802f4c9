// refractome-cli stitch: a synthetic RI field cut into 2x2 overlapping, jittered, noisy tiles is
// registered back to within half a voxel and reassembled, with positions from the files' origins
// or from --grid; bad inputs give exit code 2 and write nothing. (The comparison with
// scikit-image's phase correlation is in tests/core/StitchTests.cpp.)
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <random>


#include "core/io/ResultsReader.h"
#include "core/io/ResultsWriter.h"
#include "tests/support/CliRunner.h"
#include "tests/support/TempDir.h"

using namespace rfx;
using test::quoted;
using test::runCli;

namespace {
using Pos = std::array<long, 3>;

// Tile shape and nominal positions (z, y, x) in a 32x256x256 field; true positions are off by a
// few voxels. Neighbours nominally share 40 of 144 voxels.
const std::array<std::size_t, 3> kTile{28, 144, 144};
const std::array<Pos, 4> kNominal{Pos{2, 4, 4}, Pos{2, 4, 108}, Pos{2, 108, 4}, Pos{2, 108, 108}};
const std::array<Pos, 4> kTrue{Pos{3, 2, 7}, Pos{0, 7, 104}, Pos{4, 104, 3}, Pos{1, 110, 112}};

struct Field {
    ChannelInfo info;
    VolumePtr ri;
};

Field makeField(const std::string& path)
{
    REQUIRE(runCli("synth cells -o " + quoted(path) + " --size 32,256,256 --cells 5 --seed 7 --quiet").exitCode == 0);
    DatasetPtr ds = openResults(path);
    const int c = ds->channelIndex("ri");
    REQUIRE(c >= 0);
    return {ds->channel(std::size_t(c)), ds->frame(std::size_t(c), 0)};
}

// Cuts tile i at its true position, adds its own noise, and stores it with the given origin.
void writeTile(const Field& f, std::size_t i, const std::string& path, const std::array<double, 3>& origin_um,
               double spacingScale = 1.0)
{
    ChannelInfo ch = f.info;
    ch.grid.shape = kTile;
    ch.grid.origin_um = origin_um;
    ch.grid.spacing_um[2] *= spacingScale;
    ch.times_s = {0};
    Volume v = Volume::zeros<float>(ch.grid);
    std::mt19937 rng(unsigned(100 + i));
    std::normal_distribution<float> noise(0.f, 0.001f);
    for (std::size_t z = 0; z < kTile[0]; ++z)
        for (std::size_t y = 0; y < kTile[1]; ++y)
            for (std::size_t x = 0; x < kTile[2]; ++x)
                v.at<float>(z, y, x) =
                    f.ri->at<float>(z + std::size_t(kTrue[i][0]), y + std::size_t(kTrue[i][1]), x + std::size_t(kTrue[i][2])) +
                    noise(rng);
    ResultsWriter w(path);
    w.addChannel(ch, VoxelType::Float32);
    w.writeFrame(ch.name, 0, v);
    w.commit();
}

std::array<double, 3> nominalOrigin(const Field& f, std::size_t i)
{
    std::array<double, 3> o{};
    for (int d = 0; d < 3; ++d)
        o[d] = f.info.grid.origin_um[d] + double(kNominal[i][d]) * f.info.grid.spacing_um[d];
    return o;
}

std::string joined(const std::vector<std::string>& paths)
{
    std::string s;
    for (const auto& p : paths)
        s += quoted(p) + " ";
    return s;
}

// Made once for all test cases here (synthesis and HDF5 writes dominate their run time).
struct Fixture {
    test::TempDir dir;
    Field field;
    std::vector<std::string> placed;  // tiles whose origins are the nominal positions
    std::vector<std::string> bare;    // the same tiles, all with the field's origin
};

const Fixture& fixture()
{
    static Fixture x;
    if (!x.field.ri) {
        x.field = makeField(x.dir.file("field.h5"));
        for (std::size_t i = 0; i < 4; ++i) {
            x.placed.push_back(x.dir.file("tile" + std::to_string(i) + ".h5"));
            writeTile(x.field, i, x.placed.back(), nominalOrigin(x.field, i));
            x.bare.push_back(x.dir.file("bare" + std::to_string(i) + ".h5"));
            writeTile(x.field, i, x.bare.back(), x.field.info.grid.origin_um);
        }
    }
    return x;
}

// Registered positions must reproduce the true relative positions to within half a voxel.
void checkPositions(const ResultsTable& tiles)
{
    REQUIRE(tiles.values[3].size() == 4);
    for (std::size_t i = 1; i < 4; ++i)
        for (int d = 0; d < 3; ++d) {
            INFO("tile " << i << " axis " << d);
            CHECK(tiles.values[3 + d][i] - tiles.values[3 + d][0] == Approx(double(kTrue[i][d] - kTrue[0][d])).margin(0.5));
        }
}
} // namespace

TEST_CASE("stitch reassembles jittered 2x2 tiles placed by their origins", "[cli][stitch]")
{
    test::TempDir dir;
    const Field& f = fixture().field;
    const std::string out = dir.file("stitched.h5");
    auto r = runCli("stitch " + joined(fixture().placed) + "-o " + quoted(out));
    INFO(r.err);
    REQUIRE(r.exitCode == 0);

    const ResultsTable placed = readResultsTable(out, "stitch_tiles");
    checkPositions(placed);
    const ResultsTable pairs = readResultsTable(out, "stitch_pairs");
    REQUIRE(pairs.values[0].size() == 6);  // four neighbours and two diagonals nominally overlap

    DatasetPtr ds = openResults(out);
    REQUIRE(ds->channelCount() == 1);
    const ChannelInfo& ch = ds->channel(0);
    CHECK(ch.name == "ri");
    CHECK(ch.role == ChannelRole::RefractiveIndex);
    CHECK(ch.grid.spacing_um == f.info.grid.spacing_um);
    const VolumePtr v = ds->frame(0, 0);

    // Mosaic voxel k shows field voxel k − offset(tile 0) + true(tile 0): compare wherever a tile reaches.
    Pos shift{};
    for (int d = 0; d < 3; ++d)
        shift[d] = kTrue[0][d] - long(placed.values[6 + d][0]);
    const auto covered = [&](const Pos& p) {
        for (std::size_t i = 0; i < 4; ++i) {
            bool inside = true;
            for (int d = 0; d < 3; ++d)
                inside = inside && p[d] >= kTrue[i][d] && p[d] < kTrue[i][d] + long(kTile[d]);
            if (inside)
                return true;
        }
        return false;
    };
    double sq = 0, worst = 0;
    std::size_t count = 0;
    const auto& s = v->shape();
    for (std::size_t z = 0; z < s[0]; ++z)
        for (std::size_t y = 0; y < s[1]; ++y)
            for (std::size_t x = 0; x < s[2]; ++x) {
                const Pos p{long(z) + shift[0], long(y) + shift[1], long(x) + shift[2]};
                if (!covered(p))
                    continue;
                const double e = v->at<float>(z, y, x) - f.ri->at<float>(std::size_t(p[0]), std::size_t(p[1]), std::size_t(p[2]));
                sq += e * e;
                worst = std::max(worst, std::abs(e));
                ++count;
            }
    // Only the tiles' own noise (sd 0.001) remains; one voxel of misplacement would give > 0.002.
    CHECK(count > 1700000);
    CHECK(std::sqrt(sq / double(count)) < 0.0011);
    CHECK(worst < 0.008);

}

TEST_CASE("stitch places tiles from --grid when the files carry no positions", "[cli][stitch]")
{
    test::TempDir dir;
    const std::vector<std::string>& tiles = fixture().bare;
    const std::string out = dir.file("stitched.h5");
    auto noLayout = runCli("stitch " + joined(tiles) + "-o " + quoted(out));
    CHECK(noLayout.exitCode == 2);
    CHECK(noLayout.err.find("--grid") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out));

    // 144 voxels with 104 between neighbours: overlap 40/144.
    auto r = runCli("stitch " + joined(tiles) + "-o " + quoted(out) + " --grid 2x2 --overlap 0.27778");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    checkPositions(readResultsTable(out, "stitch_tiles"));
}

TEST_CASE("stitch refuses one tile, mixed spacings and non-overlapping tiles, writing nothing", "[cli][stitch]")
{
    test::TempDir dir;
    const Field& f = fixture().field;
    const std::string a = fixture().placed[0], b = fixture().placed[1];
    const std::string coarse = dir.file("coarse.h5"), far = dir.file("far.h5");
    writeTile(f, 1, coarse, nominalOrigin(f, 1), 1.5);
    std::array<double, 3> away = nominalOrigin(f, 1);
    away[2] += 200 * f.info.grid.spacing_um[2];
    writeTile(f, 1, far, away);
    const std::size_t before = test::entryCount(dir.path());
    const std::string out = dir.file("out.h5");

    auto one = runCli("stitch " + quoted(a) + " -o " + quoted(out));
    CHECK(one.exitCode == 2);
    auto spacing = runCli("stitch " + quoted(a) + " " + quoted(coarse) + " -o " + quoted(out));
    CHECK(spacing.exitCode == 2);
    CHECK(spacing.err.find("spacing") != std::string::npos);
    auto apart = runCli("stitch " + quoted(a) + " " + quoted(far) + " -o " + quoted(out));
    CHECK(apart.exitCode == 2);
    CHECK(apart.err.find("does not overlap") != std::string::npos);
    CHECK(runCli("stitch " + quoted(a) + " " + quoted(b) + " -o " + quoted(out) + " --channel nucleus").exitCode == 2);
    CHECK(runCli("stitch " + quoted(a) + " " + quoted(b) + " -o " + quoted(dir.file("out.tif"))).exitCode == 2);
    CHECK(runCli("stitch " + quoted(a) + " " + quoted(b) + " -o " + quoted(out) + " --grid 3x3").exitCode == 2);
    CHECK(runCli("stitch " + quoted(a) + " " + quoted(b)).exitCode == 2);
    CHECK_FALSE(std::filesystem::exists(out));
    CHECK(test::entryCount(dir.path()) == before);

    // The same two tiles do stitch.
    CHECK(runCli("stitch " + quoted(a) + " " + quoted(b) + " -o " + quoted(out)).exitCode == 0);
}
