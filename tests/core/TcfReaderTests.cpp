#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/io/TcfReader.h"
#include "core/util/Errors.h"
#include "tests/support/TcfTestWriter.h"
#include "tests/support/TempDir.h"

using namespace rfx;
using rfx::test::TcfLayout;
using rfx::test::TcfSpec;

namespace {

DatasetPtr writeAndOpen(const test::TempDir& dir, const TcfSpec& spec, const std::string& name = "a.tcf")
{
    const std::string path = dir.file(name);
    test::writeTcf(path, spec);
    return openTcf(path);
}

// Every voxel of channel "ri" frame t equals what the writer stored.
void requireRiFrame(const Dataset& ds, const TcfSpec& spec, std::size_t t)
{
    const VolumePtr v = ds.frame(static_cast<std::size_t>(ds.channelIndex("ri")), t);
    REQUIRE(v->type() == VoxelType::Float32);
    REQUIRE(v->shape() == spec.shape);
    std::size_t mismatches = 0;
    for (std::size_t z = 0; z < spec.shape[0]; ++z)
        for (std::size_t y = 0; y < spec.shape[1]; ++y)
            for (std::size_t x = 0; x < spec.shape[2]; ++x)
                mismatches += v->at<float>(z, y, x) != test::tcfExpectedRI(spec, t, z, y, x);
    CHECK(mismatches == 0);
}

// Opening (and, when `frame` >= 0, reading that frame) fails with InputError naming the file
// and containing `fragment`, on one line.
void requireInputError(const std::string& path, const std::string& fragment, int frame = -1)
{
    try {
        DatasetPtr ds = openTcf(path);
        REQUIRE(frame >= 0);
        ds->frame(0, static_cast<std::size_t>(frame));
        FAIL("no InputError for " << path);
    } catch (const InputError& e) {
        const std::string msg = e.what();
        INFO(msg);
        CHECK(msg.rfind(path + ": ", 0) == 0);
        CHECK(msg.find('\n') == std::string::npos);
        CHECK(msg.find(fragment) != std::string::npos);
    }
}

void requireBad(const TcfSpec& spec, const std::string& fragment, int frame = -1)
{
    test::TempDir dir;
    const std::string path = dir.file("bad.tcf");
    test::writeTcf(path, spec);
    requireInputError(path, fragment, frame);
}

} // namespace

TEST_CASE("TCF classic uint16 frames round-trip with times and grid", "[tcf]")
{
    test::TempDir dir;
    TcfSpec spec;
    spec.times = {0.0, 2.5, 5.25};
    spec.resolution = {0.19, 0.095, 0.096};
    DatasetPtr ds = writeAndOpen(dir, spec);

    REQUIRE(ds->info().format == "tcf");
    REQUIRE(ds->channelCount() == 1);
    const ChannelInfo& ri = ds->channel(0);
    CHECK(ri.name == "ri");
    CHECK(ri.role == ChannelRole::RefractiveIndex);
    CHECK(ri.unit == "RI");
    CHECK(ri.grid.shape == spec.shape);
    CHECK(ri.grid.spacing_um == spec.resolution);
    CHECK(ri.times_s == std::vector<double>{0.0, 2.5, 5.25});
    CHECK(ri.display.colormap == defaultDisplayFor("ri", ChannelRole::RefractiveIndex).colormap);
    for (std::size_t t = 0; t < 3; ++t)
        requireRiFrame(*ds, spec, t);
    CHECK(ds->frame(0, 1)->at<float>(0, 0, 0) == Approx(1.3307));
}

TEST_CASE("TCF old float frames and a numeric FormatVersion", "[tcf]")
{
    test::TempDir dir;
    TcfSpec spec;
    spec.layout = TcfLayout::ClassicFloat;
    spec.formatVersion = "1.2";
    spec.numericFormatVersion = true;
    spec.times = {0.0, 1.0};
    DatasetPtr ds = writeAndOpen(dir, spec);
    requireRiFrame(*ds, spec, 0);
    requireRiFrame(*ds, spec, 1);
    CHECK(ds->info().metadata.at("FormatVersion") == "1.2");
}

TEST_CASE("TCF integer data is scaled whatever FormatVersion claims", "[tcf]")
{
    test::TempDir dir;
    TcfSpec spec;
    spec.formatVersion = "1.1";  // claims float, stores uint16
    spec.deflate = true;
    requireRiFrame(*writeAndOpen(dir, spec), spec, 0);
}

TEST_CASE("TCF tiled LDM frames assemble into the full volume", "[tcf]")
{
    test::TempDir dir;
    TcfSpec spec;
    spec.layout = TcfLayout::Tiled;
    spec.shape = {5, 7, 9};  // tiles of 3x4x5 overhang the edges and must be clamped
    spec.tileGrid = {2, 2, 2};
    spec.times = {0.0, 3.0};

    SECTION("ScalarType 0: uint16 / 1e4")
    {
        spec.scalarType = 0;
    }
    SECTION("ScalarType 1: uint8 / 1000 + RIMin")
    {
        spec.scalarType = 1;
        spec.riMin = 1.3305;
    }
    SECTION("compressed tiles")
    {
        spec.deflate = true;
    }
    DatasetPtr ds = writeAndOpen(dir, spec);
    CHECK(ds->channel(0).times_s == std::vector<double>{0.0, 3.0});
    requireRiFrame(*ds, spec, 0);
    requireRiFrame(*ds, spec, 1);
}

TEST_CASE("TCF tiled frames: explicit, partial and overlapping tiles", "[tcf]")
{
    test::TempDir dir;
    TcfSpec spec;
    spec.layout = TcfLayout::Tiled;
    spec.shape = {2, 4, 4};
    spec.riMin = 1.337;
    test::TcfTile a;  // z 0-1, y 0-1, x 0-3
    a.last = {1, 1, 3};
    test::TcfTile b;  // overlaps a, padded beyond the volume in x (stored 2x3x5)
    b.offset = {0, 1, 2};
    b.last = {1, 3, 6};
    b.stored = {2, 3, 5};
    test::TcfTile coarse;  // must be ignored
    coarse.samplingStep = 4;
    coarse.last = {1, 3, 3};
    spec.tiles = {a, coarse, b};
    DatasetPtr ds = writeAndOpen(dir, spec);
    requireRiFrame(*ds, spec, 0);
    // Not covered by any tile: filled with RIMin.
    CHECK(ds->frame(0, 0)->at<float>(0, 3, 0) == static_cast<float>(1.337));
}

TEST_CASE("TCF frames are read lazily", "[tcf]")
{
    test::TempDir dir;
    TcfSpec spec;
    spec.layout = TcfLayout::ClassicFloat;
    spec.times = {0.0, 1.0, 2.0};
    spec.nanVoxels = 3;  // only in the last frame, so opening must not notice
    DatasetPtr ds = writeAndOpen(dir, spec);
    REQUIRE(ds->frameCount() == 3);
    requireRiFrame(*ds, spec, 0);
    try {
        ds->frame(0, 2);
        FAIL("NaN voxels not reported");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).find("3 voxels are NaN or infinite") != std::string::npos);
    }
    // Frame 1 is still readable after the failure.
    requireRiFrame(*ds, spec, 1);
}

TEST_CASE("TCF times fall back to TimeInterval, then to the index", "[tcf]")
{
    test::TempDir dir;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    TcfSpec spec;
    spec.times = {nan, nan, nan};
    SECTION("TimeInterval")
    {
        spec.timeInterval = 1.5;
        CHECK(writeAndOpen(dir, spec)->channel(0).times_s == std::vector<double>{0.0, 1.5, 3.0});
    }
    SECTION("index")
    {
        CHECK(writeAndOpen(dir, spec)->channel(0).times_s == std::vector<double>{0.0, 1.0, 2.0});
    }
}

TEST_CASE("TCF DataCount that disagrees with the frames present is ignored", "[tcf]")
{
    test::TempDir dir;
    TcfSpec spec;
    spec.times = {0.0, 1.0};
    spec.dataCount = 5;
    DatasetPtr ds = writeAndOpen(dir, spec);
    CHECK(ds->channel(0).frames() == 2);
    requireRiFrame(*ds, spec, 1);
}

TEST_CASE("TCF fluorescence channels have their own grid, frames and colours", "[tcf]")
{
    test::TempDir dir;
    TcfSpec spec;
    spec.times = {0.0, 10.0, 20.0};
    test::TcfFlChannel c0;
    c0.uint8 = false;
    c0.times = {1.0, 11.0};
    c0.color = {0, 255, 0};
    test::TcfFlChannel c1;
    c1.uint8 = true;
    c1.times = {2.0};
    c1.excitation = 561;
    c1.emission = 610;
    spec.fl = {c0, c1};
    spec.flShape = {3, 4, 5};
    spec.flResolution = {0.8, 0.3, 0.3};
    DatasetPtr ds = writeAndOpen(dir, spec);

    REQUIRE(ds->channelCount() == 3);
    CHECK(ds->channel(0).frames() == 3);
    for (std::size_t c = 0; c < 2; ++c) {
        const ChannelInfo& ch = ds->channel(c + 1);
        CHECK(ch.name == "fl_ch" + std::to_string(c));
        CHECK(ch.role == ChannelRole::MeasuredFluorescence);
        CHECK(ch.unit == "counts");
        CHECK(ch.grid.shape == spec.flShape);
        CHECK(ch.grid.spacing_um == spec.flResolution);
        CHECK(ch.times_s == spec.fl[c].times);
        for (std::size_t t = 0; t < ch.frames(); ++t) {
            const VolumePtr v = ds->frame(c + 1, t);
            REQUIRE(v->type() == VoxelType::Float32);
            std::size_t mismatches = 0;
            for (std::size_t z = 0; z < 3; ++z)
                for (std::size_t y = 0; y < 4; ++y)
                    for (std::size_t x = 0; x < 5; ++x)
                        mismatches += v->at<float>(z, y, x) != test::tcfExpectedFl(spec, c, t, z, y, x);
            CHECK(mismatches == 0);
        }
    }
    CHECK(ds->channel(1).display.color == std::array<float, 3>{0.f, 1.f, 0.f});
    CHECK(ds->channel(2).display.color ==
          defaultDisplayFor("fl_ch1", ChannelRole::MeasuredFluorescence).color);
    CHECK(ds->info().metadata.at("fl_ch1.Emission") == "610");
    CHECK(ds->info().metadata.at("fl_ch1.Excitation") == "561");
    CHECK_THROWS_AS(ds->frame(2, 1), InputError);  // CH1 has a single frame
}

TEST_CASE("TCF 2D MIP is a one-slice RI channel", "[tcf]")
{
    test::TempDir dir;
    TcfSpec spec;
    spec.mip = true;
    spec.times = {0.0, 4.0};
    SECTION("uint16") {}
    SECTION("float")
    {
        spec.layout = TcfLayout::ClassicFloat;
    }
    DatasetPtr ds = writeAndOpen(dir, spec);
    const int c = ds->channelIndex("ri_mip");
    REQUIRE(c == static_cast<int>(ds->channelCount()) - 1);
    const ChannelInfo& ch = ds->channel(static_cast<std::size_t>(c));
    CHECK(ch.role == ChannelRole::RefractiveIndex);
    CHECK(ch.unit == "RI");
    CHECK(ch.grid.shape == std::array<std::size_t, 3>{1, spec.shape[1], spec.shape[2]});
    CHECK(ch.times_s == std::vector<double>{0.0, 4.0});
    for (std::size_t t = 0; t < 2; ++t) {
        const VolumePtr v = ds->frame(static_cast<std::size_t>(c), t);
        std::size_t mismatches = 0;
        for (std::size_t y = 0; y < spec.shape[1]; ++y)
            for (std::size_t x = 0; x < spec.shape[2]; ++x)
                mismatches += v->at<float>(0, y, x) != test::tcfExpectedMip(spec, t, y, x);
        CHECK(mismatches == 0);
    }
}

TEST_CASE("TCF medium RI and metadata", "[tcf]")
{
    test::TempDir dir;
    TcfSpec spec;
    SECTION("defaults without /Info/Device RI")
    {
        CHECK(writeAndOpen(dir, spec)->info().mediumRI == 1.337);
    }
    SECTION("from /Info/Device")
    {
        spec.mediumRI = 1.3333;
        spec.na = 0.72;
        spec.magnification = 60;
        spec.wavelength = 0.532;
        DatasetPtr ds = writeAndOpen(dir, spec);
        CHECK(ds->info().mediumRI == 1.3333);
        const auto& md = ds->info().metadata;
        CHECK(md.at("Device.NA") == "0.72");
        CHECK(md.at("Device.Magnification") == "60");
        CHECK(md.at("Device.Wavelength") == "0.532");
        CHECK(md.at("FormatVersion") == "1.4.1");
        CHECK(md.at("Title") == "synthetic");
        CHECK(md.at("DeviceSerial") == "HTX-TEST-0001");
        CHECK(md.at("RecordingTime") == "2024-01-02 03:04:05.678");
        CHECK(md.at("DeviceModelType") == "HTX");
    }
}

TEST_CASE("TCF numbers stored as strings are accepted", "[tcf]")
{
    test::TempDir dir;
    TcfSpec spec;
    spec.numbersAsStrings = {"SizeX", "ResolutionZ", "Time"};
    spec.times = {0.0, 0.5};
    DatasetPtr ds = writeAndOpen(dir, spec);
    CHECK(ds->channel(0).times_s == std::vector<double>{0.0, 0.5});
    requireRiFrame(*ds, spec, 1);
}

TEST_CASE("TCF: files that are not TCF are refused with the path", "[tcf]")
{
    test::TempDir dir;
    SECTION("not HDF5")
    {
        const std::string path = dir.file("text.tcf");
        std::ofstream(path) << "hello, not a tomogram\n";
        requireInputError(path, "not an HDF5 file");
    }
    SECTION("missing file")
    {
        requireInputError(dir.file("absent.tcf"), "");
    }
    SECTION("truncated")
    {
        TcfSpec spec;
        spec.shape = {8, 32, 32};
        const std::string path = dir.file("cut.tcf");
        test::writeTcf(path, spec);
        std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
        requireInputError(path, "", 0);
    }
    SECTION("no /Data/3D")
    {
        TcfSpec spec;
        spec.noData3D = true;
        requireBad(spec, "no /Data/3D");
    }
    SECTION("no frames")
    {
        TcfSpec spec;
        spec.times = {};
        requireBad(spec, "no frames");
    }
}

TEST_CASE("TCF: malformed headers and data give InputError", "[tcf]")
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    TcfSpec spec;
    SECTION("missing SizeX")
    {
        spec.omitAttrs = {"SizeX"};
        requireBad(spec, "missing attribute 'SizeX'");
    }
    SECTION("missing ResolutionZ")
    {
        spec.omitAttrs = {"ResolutionZ"};
        requireBad(spec, "missing attribute 'ResolutionZ'");
    }
    SECTION("size disagrees with the data")
    {
        spec.attrOverrides = {{"/Data/3D:SizeY", 7}};
        requireBad(spec, "but the header declares 4x7x8");
    }
    SECTION("absurd size")
    {
        spec.attrOverrides = {{"SizeX", 1e9}};
        requireBad(spec, "exceeds");
    }
    SECTION("negative size")
    {
        spec.attrOverrides = {{"SizeZ", -4}};
        requireBad(spec, "not a valid size");
    }
    SECTION("NaN resolution")
    {
        spec.attrOverrides = {{"ResolutionX", nan}};
        requireBad(spec, "not a valid resolution");
    }
    SECTION("NaN and Inf voxels")
    {
        spec.layout = TcfLayout::ClassicFloat;
        spec.nanVoxels = 2;
        spec.infVoxel = true;
        requireBad(spec, "3 voxels are NaN or infinite", 0);
    }
    SECTION("missing compression filter")
    {
        spec.unavailableFilter = true;
        requireBad(spec, "HDF5 filter " + std::to_string(test::kTcfTestFilterId));
    }
    SECTION("FL header without sizes")
    {
        spec.fl = {test::TcfFlChannel{}};
        spec.omitAttrs = {"/Data/3DFL:SizeZ"};
        requireBad(spec, "/Data/3DFL: missing attribute 'SizeZ'");
    }
    SECTION("FL frame shape disagrees")
    {
        spec.fl = {test::TcfFlChannel{}};
        spec.attrOverrides = {{"/Data/3DFL:SizeX", 5}};
        requireBad(spec, "/Data/3DFL/CH0/000000: data is 2x3x4");
    }
}

TEST_CASE("TCF: malformed tiled frames give InputError", "[tcf]")
{
    TcfSpec spec;
    spec.layout = TcfLayout::Tiled;
    spec.shape = {4, 6, 8};
    spec.tileGrid = {1, 2, 2};
    SECTION("unsupported ScalarType")
    {
        spec.scalarType = 3;
        requireBad(spec, "unsupported ScalarType 3");
    }
    SECTION("missing DataSizeZ")
    {
        spec.omitAttrs = {"DataSizeZ"};
        requireBad(spec, "missing attribute 'DataSizeZ'");
    }
    SECTION("DataSize disagrees with /Data/3D")
    {
        spec.attrOverrides = {{"DataSizeY", 5}};
        requireBad(spec, "DataSize 4x5x8 disagrees");
    }
    SECTION("tile offset outside the volume")
    {
        spec.attrOverrides = {{"/Data/3D/000000/TILE_01:DataIndexOffsetPointX", 8}};
        requireBad(spec, "tile TILE_01 starts at X=8");
    }
    SECTION("negative tile offset")
    {
        spec.attrOverrides = {{"/Data/3D/000000/TILE_02:DataIndexOffsetPointY", -1}};
        requireBad(spec, "tile TILE_02 starts at Y=-1");
    }
    SECTION("huge tile offset")
    {
        spec.attrOverrides = {{"/Data/3D/000000/TILE_02:DataIndexOffsetPointY", 1e300}};
        requireBad(spec, "not an integer");
    }
    SECTION("tile range larger than its data")
    {
        spec.attrOverrides = {{"/Data/3D/000000/TILE_00:DataIndexLastPointX", 5}};
        requireBad(spec, "tile TILE_00 stores 4 voxels along X but its index range needs 6");
    }
    SECTION("missing tile attribute")
    {
        spec.omitAttrs = {"/Data/3D/000000/TILE_03:DataIndexLastPointZ"};
        requireBad(spec, "missing attribute 'DataIndexLastPointZ'");
    }
    SECTION("NumberOfTiles disagrees")
    {
        spec.attrOverrides = {{"NumberOfTiles", 9}};
        requireBad(spec, "NumberOfTiles is 9 but 5 tiles are present");
    }
    SECTION("ScalarType 1 without RIMin")
    {
        spec.scalarType = 1;
        spec.omitAttrs = {"/Data/3D/000000:RIMin"};
        requireBad(spec, "missing attribute 'RIMin'");
    }
    SECTION("only subsampled tiles")
    {
        spec.attrOverrides = {{"SamplingStep", 2}};
        requireBad(spec, "no full-resolution tile");
    }
    SECTION("a later frame is broken: found when read")
    {
        spec.times = {0.0, 1.0};
        spec.attrOverrides = {{"/Data/3D/000001/TILE_00:DataIndexOffsetPointZ", 4}};
        requireBad(spec, "000001: tile TILE_00 starts at Z=4", 1);
    }
}
