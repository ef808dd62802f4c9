#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sys/wait.h>
#include <thread>

#include <tiffio.h>

#include "core/io/TiffReader.h"
#include "core/io/TiffWriter.h"
#include "core/model/Dataset.h"
#include "core/util/Errors.h"
#include "tests/support/TempDir.h"

using namespace rfx;
using rfx::test::TempDir;
using Catch::Matchers::Contains;

namespace {

// One page of a fixture, written with libtiff directly (independent of our writer).
struct Page {
    std::uint32_t width = 0, height = 0;
    std::uint16_t bits = 8, sampleFormat = SAMPLEFORMAT_UINT, spp = 1, photometric = PHOTOMETRIC_MINISBLACK;
    std::vector<unsigned char> bytes;
};

template <class T> Page makePage(std::uint32_t w, std::uint32_t h, const std::function<T(std::uint32_t, std::uint32_t)>& value)
{
    Page p;
    p.width = w;
    p.height = h;
    p.bits = sizeof(T) * 8;
    p.sampleFormat = std::is_floating_point<T>::value ? SAMPLEFORMAT_IEEEFP
                     : std::is_signed<T>::value      ? SAMPLEFORMAT_INT
                                                     : SAMPLEFORMAT_UINT;
    p.bytes.resize(std::size_t(w) * h * sizeof(T));
    for (std::uint32_t y = 0; y < h; ++y)
        for (std::uint32_t x = 0; x < w; ++x) {
            const T v = value(y, x);
            std::memcpy(p.bytes.data() + (std::size_t(y) * w + x) * sizeof(T), &v, sizeof(T));
        }
    return p;
}

struct Options {
    std::string description;
    std::uint16_t compression = COMPRESSION_NONE;
    std::uint32_t tile = 0;          // tile edge (multiple of 16); 0: strips
    std::uint32_t rowsPerStrip = 0;  // 0: whole page
    float xres = 0, yres = 0;
    std::uint16_t resUnit = RESUNIT_NONE;
};

void writeTiff(const std::string& path, const std::vector<Page>& pages, const Options& o = {})
{
    TIFF* tif = TIFFOpen(path.c_str(), "w");
    REQUIRE(tif);
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const Page& p = pages[i];
        TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, p.width);
        TIFFSetField(tif, TIFFTAG_IMAGELENGTH, p.height);
        TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, p.bits);
        TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, p.sampleFormat);
        TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, p.spp);
        TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, p.photometric);
        TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
        TIFFSetField(tif, TIFFTAG_COMPRESSION, o.compression);
        if (o.compression == COMPRESSION_LZW || o.compression == COMPRESSION_ADOBE_DEFLATE)
            TIFFSetField(tif, TIFFTAG_PREDICTOR, p.sampleFormat == SAMPLEFORMAT_IEEEFP ? 3 : 2);
        if (o.xres > 0) {
            TIFFSetField(tif, TIFFTAG_XRESOLUTION, o.xres);
            TIFFSetField(tif, TIFFTAG_YRESOLUTION, o.yres);
            TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, o.resUnit);
        }
        if (i == 0 && !o.description.empty())
            TIFFSetField(tif, TIFFTAG_IMAGEDESCRIPTION, o.description.c_str());
        const std::size_t rowBytes = (std::size_t(p.width) * p.spp * p.bits + 7) / 8;
        if (o.tile) {
            TIFFSetField(tif, TIFFTAG_TILEWIDTH, o.tile);
            TIFFSetField(tif, TIFFTAG_TILELENGTH, o.tile);
            const std::size_t bpp = p.bits / 8;
            std::vector<unsigned char> tile(std::size_t(o.tile) * o.tile * bpp);
            for (std::uint32_t y = 0; y < p.height; y += o.tile)
                for (std::uint32_t x = 0; x < p.width; x += o.tile) {
                    std::fill(tile.begin(), tile.end(), 0);
                    for (std::uint32_t r = 0; r < o.tile && y + r < p.height; ++r)
                        for (std::uint32_t c = 0; c < o.tile && x + c < p.width; ++c)
                            std::memcpy(&tile[(std::size_t(r) * o.tile + c) * bpp],
                                        &p.bytes[((std::size_t(y) + r) * p.width + x + c) * bpp], bpp);
                    REQUIRE(TIFFWriteTile(tif, tile.data(), x, y, 0, 0) >= 0);
                }
        } else {
            const std::uint32_t rps = o.rowsPerStrip ? o.rowsPerStrip : p.height;
            TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, rps);
            for (std::uint32_t s = 0, row = 0; row < p.height; ++s, row += rps) {
                const std::size_t rows = std::min<std::size_t>(rps, p.height - row);
                REQUIRE(TIFFWriteEncodedStrip(tif, s, const_cast<unsigned char*>(&p.bytes[row * rowBytes]),
                                              static_cast<tmsize_t>(rows * rowBytes)) >= 0);
            }
        }
        REQUIRE(TIFFWriteDirectory(tif));
    }
    TIFFClose(tif);
}

// The message of the InputError `f` throws; a marker string when it throws something else or nothing.
std::string inputErrorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("<not an InputError: ") + e.what() + ">";
    }
    return "<no exception>";
}

void openAndReadAll(const std::string& path)
{
    DatasetPtr ds = openTiff(path);
    for (std::size_t c = 0; c < ds->channelCount(); ++c)
        for (std::size_t t = 0; t < ds->channel(c).frames(); ++t)
            ds->frame(c, t);
}

void requireInputErrorNaming(const std::string& path, const std::function<void()>& f, const std::string& hint = "")
{
    const std::string msg = inputErrorOf(f);
    INFO(msg);
    CHECK_THAT(msg, Contains(path));
    CHECK(msg.find('\n') == std::string::npos);
    CHECK(msg.rfind("<", 0) != 0);
    if (!hint.empty())
        CHECK_THAT(msg, Contains(hint));
}

Grid gridOf(std::size_t z, std::size_t y, std::size_t x, std::array<double, 3> spacing = {0.5, 0.2, 0.1})
{
    Grid g;
    g.shape = {z, y, x};
    g.spacing_um = spacing;
    return g;
}

bool pythonTifffileAvailable()
{
    return std::system("/usr/bin/python3 -c 'import tifffile, numpy' >/dev/null 2>&1") == 0;
}

int runPython(const TempDir& dir, const std::string& script, const std::string& args)
{
    const std::string file = dir.file("check.py");
    std::ofstream(file) << script;
    const int rc = std::system(("/usr/bin/python3 '" + file + "' " + args).c_str());
    return rc == -1 ? -1 : WEXITSTATUS(rc);
}

} // namespace

TEST_CASE("TIFF writer and reader round-trip uint8, uint16 and float32 with spacing", "[tiff]")
{
    TempDir dir;
    const Grid g = gridOf(3, 4, 5);
    auto fill = [&](auto zero, double scale, double offset) {
        using T = decltype(zero);
        Volume v = Volume::zeros<T>(g);
        for (std::size_t z = 0; z < 3; ++z)
            for (std::size_t y = 0; y < 4; ++y)
                for (std::size_t x = 0; x < 5; ++x)
                    v.at<T>(z, y, x) = static_cast<T>(offset + scale * double(z * 20 + y * 5 + x));
        return v;
    };

    SECTION("uint8")
    {
        const Volume v = fill(std::uint8_t(0), 3.0, 1.0);
        const std::string path = dir.file("u8.tif");
        writeImageJTiff(path, v);
        DatasetPtr ds = openTiff(path);
        CHECK(ds->info().format == "imagej-tiff");
        REQUIRE(ds->channelCount() == 1);
        CHECK(ds->channel(0).name == "u8");
        CHECK(ds->channel(0).role == ChannelRole::MeasuredFluorescence);
        VolumePtr r = ds->frame(0, 0);
        REQUIRE(r->type() == VoxelType::UInt8);
        CHECK(r->shape() == g.shape);
        CHECK(std::memcmp(r->raw(), v.raw(), v.bytes()) == 0);
        CHECK(r->grid().spacing_um[0] == Approx(0.5));
        CHECK(r->grid().spacing_um[1] == Approx(0.2));
        CHECK(r->grid().spacing_um[2] == Approx(0.1));
    }
    SECTION("uint16")
    {
        const Volume v = fill(std::uint16_t(0), 1000.0, 7.0);
        const std::string path = dir.file("u16.tif");
        writeImageJTiff(path, v, "photons");
        DatasetPtr ds = openTiff(path);
        VolumePtr r = ds->frame(0, 0);
        REQUIRE(r->type() == VoxelType::UInt16);
        CHECK(std::memcmp(r->raw(), v.raw(), v.bytes()) == 0);
        CHECK(ds->channel(0).unit == "photons");
    }
    SECTION("float32 RI, tagged by the writer")
    {
        const Volume v = fill(0.0f, 0.001, 1.33);
        const std::string path = dir.file("ri.tif");
        writeImageJTiff(path, v, "RI");
        DatasetPtr ds = openTiff(path);
        VolumePtr r = ds->frame(0, 0);
        REQUIRE(r->type() == VoxelType::Float32);
        CHECK(std::memcmp(r->raw(), v.raw(), v.bytes()) == 0);
        CHECK(ds->channel(0).role == ChannelRole::RefractiveIndex);
        CHECK(ds->channel(0).unit == "RI");
    }
    SECTION("float32 RI recognised by its value range alone")
    {
        const std::string path = dir.file("untagged.tif");
        writeImageJTiff(path, fill(0.0f, 0.001, 1.33));
        CHECK(openTiff(path)->channel(0).role == ChannelRole::RefractiveIndex);
        const std::string other = dir.file("fluo.tif");
        writeImageJTiff(other, fill(0.0f, 2.0, 0.0));
        CHECK(openTiff(other)->channel(0).role == ChannelRole::MeasuredFluorescence);
    }
    SECTION("int32 is written as float32; origin survives")
    {
        Volume v = fill(std::int32_t(0), -5.0, 100.0);
        v.grid().origin_um = {1.0, -0.4, 0.3};
        const std::string path = dir.file("labels.tif");
        writeImageJTiff(path, v);
        VolumePtr r = openTiff(path)->frame(0, 0);
        REQUIRE(r->type() == VoxelType::Float32);
        for (std::size_t i = 0; i < v.voxels(); ++i)
            REQUIRE(r->valueAt(i) == v.valueAt(i));
        CHECK(r->grid().origin_um[0] == Approx(1.0));
        CHECK(r->grid().origin_um[1] == Approx(-0.4));
        CHECK(r->grid().origin_um[2] == Approx(0.3));
    }
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))  // no temporaries left behind
        CHECK(e.path().filename().string().find(".partial") == std::string::npos);
}

TEST_CASE("TIFF writer refuses vector volumes and leaves nothing behind", "[tiff]")
{
    TempDir dir;
    const Volume vec(gridOf(2, 3, 4), VoxelType::Float32, 3);
    const std::string path = dir.file("vectors.tif");
    requireInputErrorNaming(path, [&] { writeImageJTiff(path, vec); }, "components");
    CHECK(rfx::test::entryCount(dir.path()) == 0);
    const std::string missing = dir.file("no/such/dir/out.tif");
    requireInputErrorNaming(missing, [&] { writeImageJTiff(missing, Volume::zeros<float>(gridOf(1, 2, 2))); });
    CHECK(rfx::test::entryCount(dir.path()) == 0);
}

TEST_CASE("ImageJ hyperstack: 2 channels x 3 slices x 2 frames in CZT page order", "[tiff]")
{
    TempDir dir;
    const std::string path = dir.file("hyper.tif");
    std::vector<Page> pages;
    for (int t = 0; t < 2; ++t)
        for (int z = 0; z < 3; ++z)
            for (int c = 0; c < 2; ++c)
                pages.push_back(makePage<std::uint16_t>(6, 5, [=](std::uint32_t y, std::uint32_t x) {
                    return std::uint16_t(1000 * t + 100 * z + 10 * c + y + x);
                }));
    Options o;
    o.description = "ImageJ=1.54f\nimages=12\nchannels=2\nslices=3\nframes=2\nhyperstack=true\nmode=composite\n"
                    "unit=micron\nspacing=0.4\nfinterval=2.5\nloop=false\n";
    o.compression = COMPRESSION_LZW;
    o.rowsPerStrip = 2;
    o.xres = 1.0f / 0.125f;
    o.yres = 1.0f / 0.25f;
    writeTiff(path, pages, o);

    DatasetPtr ds = openTiff(path);
    CHECK(ds->info().format == "imagej-tiff");
    REQUIRE(ds->channelCount() == 2);
    CHECK(ds->channel(0).name == "ch0");
    CHECK(ds->channel(1).name == "ch1");
    REQUIRE(ds->channel(1).frames() == 2);
    CHECK(ds->channel(1).times_s[1] == Approx(2.5));
    const Grid& g = ds->channel(0).grid;
    CHECK(g.shape == std::array<std::size_t, 3>{3, 5, 6});
    CHECK(g.spacing_um[0] == Approx(0.4));
    CHECK(g.spacing_um[1] == Approx(0.25));
    CHECK(g.spacing_um[2] == Approx(0.125));
    for (int c = 0; c < 2; ++c)
        for (int t = 0; t < 2; ++t) {
            VolumePtr v = ds->frame(c, t);
            REQUIRE(v->type() == VoxelType::UInt16);
            for (int z = 0; z < 3; ++z)
                for (int y = 0; y < 5; ++y)
                    for (int x = 0; x < 6; ++x)
                        REQUIRE(v->at<std::uint16_t>(z, y, x) == 1000 * t + 100 * z + 10 * c + y + x);
        }
}

TEST_CASE("ImageJ big-stack layout and declared-but-missing pages are refused clearly", "[tiff]")
{
    TempDir dir;
    const std::string big = dir.file("big.tif");
    Options o;
    o.description = "ImageJ=1.54f\nimages=500\nslices=500\nunit=micron\n";
    writeTiff(big, {makePage<std::uint8_t>(4, 4, [](auto, auto) { return std::uint8_t(1); })}, o);
    requireInputErrorNaming(big, [&] { openTiff(big); }, "4 GB");

    const std::string missing = dir.file("missing.tif");
    o.description = "ImageJ=1.54f\nimages=6\nchannels=2\nslices=3\nhyperstack=true\n";
    writeTiff(missing, std::vector<Page>(4, makePage<std::uint8_t>(4, 4, [](auto, auto) { return std::uint8_t(1); })), o);
    requireInputErrorNaming(missing, [&] { openTiff(missing); }, "pages");
}

TEST_CASE("OME-TIFF pages are mapped through DimensionOrder", "[tiff]")
{
    TempDir dir;
    const std::size_t Z = 3, C = 2, T = 2;
    auto value = [](std::size_t c, std::size_t z, std::size_t t, std::uint32_t y, std::uint32_t x) {
        return float(1000 * t + 100 * z + 10 * c) + 0.5f * float(y * 4 + x);
    };
    for (const std::string order : {"XYZCT", "XYCZT"}) {
        DYNAMIC_SECTION(order)
        {
            std::vector<Page> pages;
            // Page index with the first letter after XY varying fastest.
            for (std::size_t i = 0; i < Z * C * T; ++i) {
                std::size_t z, c, t;
                if (order == "XYZCT") {
                    z = i % Z;
                    c = (i / Z) % C;
                    t = i / (Z * C);
                } else {
                    c = i % C;
                    z = (i / C) % Z;
                    t = i / (Z * C);
                }
                pages.push_back(makePage<float>(4, 3, [=](std::uint32_t y, std::uint32_t x) { return value(c, z, t, y, x); }));
            }
            Options o;
            const std::string p = order == "XYZCT" ? "ome:" : "";  // prefixed and default namespace
            o.description =
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + p +
                "OME xmlns" + (p.empty() ? "" : ":ome") +
                "=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\">\n"
                "  <" + p + "Image ID=\"Image:0\" Name=\"cells\">\n"
                "    <" + p + "Pixels ID=\"Pixels:0\" DimensionOrder='" + order +
                "' Type=\"float\" SizeX=\"4\" SizeY=\"3\" SizeZ=\"3\" SizeC=\"2\" SizeT=\"2\"\n"
                "        PhysicalSizeX=\"100\" PhysicalSizeXUnit=\"nm\" PhysicalSizeY=\"0.2\" PhysicalSizeYUnit=\"\xC2\xB5m\"\n"
                "        PhysicalSizeZ=\"0.75\" TimeIncrement=\"1.5\" TimeIncrementUnit=\"min\">\n"
                "      <" + p + "Channel ID=\"Channel:0:0\" Name=\"DAPI &amp; co\" SamplesPerPixel=\"1\"/>\n"
                "      <" + p + "Channel ID=\"Channel:0:1\" Name=\"GFP\" SamplesPerPixel=\"1\"/>\n"
                "      <" + p + "TiffData/>\n"
                "    </" + p + "Pixels>\n  </" + p + "Image>\n</" + p + "OME>\n";
            o.compression = COMPRESSION_ADOBE_DEFLATE;
            const std::string path = dir.file("cells_" + order + ".ome.tif");
            writeTiff(path, pages, o);

            DatasetPtr ds = openTiff(path);
            CHECK(ds->info().format == "ome-tiff");
            REQUIRE(ds->channelCount() == C);
            CHECK(ds->channel(0).name == "DAPI & co");
            CHECK(ds->channel(1).name == "GFP");
            CHECK(ds->channel(0).role == ChannelRole::MeasuredFluorescence);
            REQUIRE(ds->channel(0).frames() == T);
            CHECK(ds->channel(0).times_s[1] == Approx(90.0));
            const Grid& g = ds->channel(0).grid;
            CHECK(g.shape == std::array<std::size_t, 3>{Z, 3, 4});
            CHECK(g.spacing_um[0] == Approx(0.75));
            CHECK(g.spacing_um[1] == Approx(0.2));
            CHECK(g.spacing_um[2] == Approx(0.1));
            for (std::size_t c = 0; c < C; ++c)
                for (std::size_t t = 0; t < T; ++t) {
                    VolumePtr v = ds->frame(c, t);
                    for (std::size_t z = 0; z < Z; ++z)
                        for (std::uint32_t y = 0; y < 3; ++y)
                            for (std::uint32_t x = 0; x < 4; ++x)
                                REQUIRE(v->at<float>(z, y, x) == value(c, z, t, y, x));
                }
        }
    }
}

TEST_CASE("Plain TIFF stacks: tiles, compression, integer kinds and resolution units", "[tiff]")
{
    TempDir dir;
    SECTION("tiled zlib float32 with RI values and centimetre resolution")
    {
        const std::string path = dir.file("tiled.tif");
        std::vector<Page> pages;
        for (int z = 0; z < 4; ++z)
            pages.push_back(makePage<float>(40, 35, [=](std::uint32_t y, std::uint32_t x) {
                return 1.33f + 0.001f * float(z * 7 + (y * 40 + x) % 50);
            }));
        Options o;
        o.tile = 16;
        o.compression = COMPRESSION_ADOBE_DEFLATE;
        o.xres = o.yres = 1e4f / 0.25f;  // pixels per cm for 0.25 µm pixels
        o.resUnit = RESUNIT_CENTIMETER;
        writeTiff(path, pages, o);
        DatasetPtr ds = openTiff(path);
        CHECK(ds->info().format == "tiff");
        CHECK(ds->channel(0).role == ChannelRole::RefractiveIndex);
        CHECK(ds->channel(0).grid.spacing_um[2] == Approx(0.25));
        CHECK(ds->channel(0).grid.spacing_um[0] == 1.0);
        VolumePtr v = ds->frame(0, 0);
        for (int z = 0; z < 4; ++z)
            for (std::uint32_t y = 0; y < 35; ++y)
                for (std::uint32_t x = 0; x < 40; ++x)
                    REQUIRE(v->at<float>(z, y, x) == 1.33f + 0.001f * float(z * 7 + (y * 40 + x) % 50));
    }
    SECTION("packbits int16 and LZW int32/uint32 become float32")
    {
        const std::string p16 = dir.file("s16.tif");
        writeTiff(p16, {makePage<std::int16_t>(9, 7, [](std::uint32_t y, std::uint32_t x) { return std::int16_t(-300 + 11 * y + x); })},
                  Options{"", COMPRESSION_PACKBITS});
        VolumePtr v16 = openTiff(p16)->frame(0, 0);
        REQUIRE(v16->type() == VoxelType::Float32);
        CHECK(v16->at<float>(0, 6, 8) == float(-300 + 66 + 8));

        const std::string p32 = dir.file("s32.tif");
        writeTiff(p32, {makePage<std::int32_t>(9, 7, [](std::uint32_t y, std::uint32_t x) { return std::int32_t(-70000 + 1000 * y + x); })},
                  Options{"", COMPRESSION_LZW});
        VolumePtr v32 = openTiff(p32)->frame(0, 0);
        CHECK(v32->at<float>(0, 3, 2) == float(-70000 + 3000 + 2));

        const std::string pu = dir.file("u32.tif");
        writeTiff(pu, {makePage<std::uint32_t>(5, 5, [](std::uint32_t y, std::uint32_t x) { return std::uint32_t(3000000000u + y * 5 + x); })});
        VolumePtr vu = openTiff(pu)->frame(0, 0);
        CHECK(vu->at<float>(0, 4, 4) == float(3000000024u));
    }
}

TEST_CASE("A folder of single-slice TIFFs stacks in natural order", "[tiff]")
{
    TempDir dir;
    const std::string folder = dir.file("cell_stack");
    std::filesystem::create_directory(folder);
    for (int i : {10, 2, 1, 33})
        writeTiff(folder + "/slice_" + std::to_string(i) + ".tif",
                  {makePage<std::uint16_t>(6, 4, [=](auto, auto) { return std::uint16_t(i); })});
    std::ofstream(folder + "/notes.txt") << "not an image";
    std::ofstream(folder + "/._slice_3.tif") << "macOS resource fork";
    DatasetPtr ds = openTiff(folder);
    CHECK(ds->info().format == "tiff-folder");
    CHECK(ds->channel(0).name == "cell_stack");
    VolumePtr v = ds->frame(0, 0);
    REQUIRE(v->shape() == std::array<std::size_t, 3>{4, 4, 6});
    CHECK(v->at<std::uint16_t>(0, 0, 0) == 1);
    CHECK(v->at<std::uint16_t>(1, 3, 5) == 2);
    CHECK(v->at<std::uint16_t>(2, 0, 0) == 10);
    CHECK(v->at<std::uint16_t>(3, 0, 0) == 33);
    // A trailing slash names the same folder.
    CHECK(openTiff(folder + "/")->channel(0).name == "cell_stack");

    SECTION("slices of different sizes are refused")
    {
        const std::string odd = folder + "/slice_40.tif";
        writeTiff(odd, {makePage<std::uint16_t>(7, 4, [](auto, auto) { return std::uint16_t(0); })});
        requireInputErrorNaming(odd, [&] { openTiff(folder); }, "same size");
    }
    SECTION("an empty folder is refused")
    {
        const std::string empty = dir.file("empty");
        std::filesystem::create_directory(empty);
        requireInputErrorNaming(empty, [&] { openTiff(empty); }, "no .tif");
    }
}

TEST_CASE("Bad TIFF input gives one-line InputErrors naming the file", "[tiff]")
{
    TempDir dir;
    auto gray = [](std::uint32_t w, std::uint32_t h) {
        return makePage<std::uint8_t>(w, h, [](std::uint32_t y, std::uint32_t x) { return std::uint8_t(y * 7 + x); });
    };
    SECTION("missing file")
    {
        const std::string path = dir.file("absent.tif");
        requireInputErrorNaming(path, [&] { openTiff(path); });
    }
    SECTION("not a TIFF")
    {
        const std::string path = dir.file("text.tif");
        std::ofstream(path) << "this is not a TIFF file at all, just text\n";
        requireInputErrorNaming(path, [&] { openTiff(path); });
    }
    SECTION("empty file")
    {
        const std::string path = dir.file("zero.tif");
        std::ofstream(path).flush();
        requireInputErrorNaming(path, [&] { openTiff(path); });
    }
    SECTION("truncated uncompressed stack")
    {
        const std::string path = dir.file("cut.tif");
        writeTiff(path, std::vector<Page>(4, gray(64, 64)));
        std::filesystem::resize_file(path, std::filesystem::file_size(path) * 6 / 10);
        requireInputErrorNaming(path, [&] { openAndReadAll(path); });
    }
    SECTION("truncated inside the pixel data of the last page")
    {
        // Directory intact, pixel data short: point the (single, inline) StripOffsets entry of a
        // little-endian classic TIFF so that the strip runs past the end of the file.
        const std::string path = dir.file("cutdata.tif");
        writeTiff(path, {gray(64, 64)});
        std::filesystem::resize_file(path, std::filesystem::file_size(path) + 100);
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        std::vector<char> all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        std::uint32_t ifd = 0;
        std::memcpy(&ifd, &all[4], 4);
        std::uint16_t n = 0;
        std::memcpy(&n, &all[ifd], 2);
        bool patched = false;
        for (std::uint16_t e = 0; e < n; ++e) {
            const std::size_t at = ifd + 2 + 12 * e;
            std::uint16_t tag = 0;
            std::memcpy(&tag, &all[at], 2);
            if (tag == TIFFTAG_STRIPOFFSETS) {
                const std::uint32_t beyond = static_cast<std::uint32_t>(all.size() - 50);
                std::memcpy(&all[at + 8], &beyond, 4);
                patched = true;
            }
        }
        REQUIRE(patched);
        f.seekp(0);
        f.write(all.data(), static_cast<std::streamsize>(all.size()));
        f.close();
        requireInputErrorNaming(path, [&] { openAndReadAll(path); });
    }
    SECTION("corrupt compressed data")
    {
        const std::string path = dir.file("garbled.tif");
        Options o;
        o.compression = COMPRESSION_ADOBE_DEFLATE;
        writeTiff(path, std::vector<Page>(2, gray(64, 64)), o);
        std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(8);
        const std::string junk(40, '\xA5');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
        f.close();
        requireInputErrorNaming(path, [&] { openAndReadAll(path); });
    }
    SECTION("RGB")
    {
        const std::string path = dir.file("rgb.tif");
        Page p = gray(8, 8);
        p.spp = 3;
        p.photometric = PHOTOMETRIC_RGB;
        p.bytes.resize(8 * 8 * 3);
        writeTiff(path, {p});
        requireInputErrorNaming(path, [&] { openTiff(path); }, "samples per pixel");
    }
    SECTION("1-bit")
    {
        const std::string path = dir.file("bilevel.tif");
        Page p;
        p.width = 16;
        p.height = 4;
        p.bits = 1;
        p.bytes.assign(2 * 4, 0x5A);
        writeTiff(path, {p});
        requireInputErrorNaming(path, [&] { openTiff(path); }, "1-bit");
    }
    SECTION("pages of different sizes")
    {
        const std::string path = dir.file("mixed.tif");
        writeTiff(path, {gray(8, 8), gray(8, 8), gray(9, 8)});
        requireInputErrorNaming(path, [&] { openTiff(path); }, "page 2");
    }
    SECTION("pages of different types")
    {
        const std::string path = dir.file("mixedtype.tif");
        writeTiff(path, {gray(8, 8), makePage<std::uint16_t>(8, 8, [](auto, auto) { return std::uint16_t(1); })});
        requireInputErrorNaming(path, [&] { openTiff(path); }, "page 1");
    }
}

TEST_CASE("TIFF frames can be read from several threads at once", "[tiff]")
{
    TempDir dir;
    const std::string path = dir.file("threads.tif");
    std::vector<Page> pages;
    for (int t = 0; t < 8; ++t)
        for (int z = 0; z < 4; ++z)
            pages.push_back(makePage<std::uint16_t>(32, 32, [=](std::uint32_t y, std::uint32_t x) {
                return std::uint16_t(t * 1000 + z * 100 + (y + x) % 50);
            }));
    Options o;
    o.description = "ImageJ=1.54f\nimages=32\nslices=4\nframes=8\nhyperstack=true\n";
    o.compression = COMPRESSION_ADOBE_DEFLATE;
    writeTiff(path, pages, o);
    DatasetPtr ds = openTiff(path);
    REQUIRE(ds->frameCount() == 8);
    std::atomic<int> bad{0};
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k)
        threads.emplace_back([&, k] {
            for (int rep = 0; rep < 3; ++rep)
                for (int t = k; t < 8; t += 2) {
                    VolumePtr v = ds->frame(0, t);
                    if (v->at<std::uint16_t>(3, 5, 7) != t * 1000 + 300 + 12)
                        ++bad;
                }
        });
    for (auto& th : threads)
        th.join();
    CHECK(bad == 0);
}

TEST_CASE("Real data: FM-Track bead stack (ImageJ, zlib)", "[tiff]")
{
    const std::string path = std::string(REFRACTOME_SHARED_DATA) + "/fmtrack/normal_beads.tif";
    if (!std::filesystem::exists(path)) {
        WARN("skipped: " << path << " not present");
        return;
    }
    DatasetPtr ds = openTiff(path);
    CHECK(ds->info().format == "imagej-tiff");
    REQUIRE(ds->channelCount() == 1);
    CHECK(ds->channel(0).name == "normal_beads");
    CHECK(ds->channel(0).role == ChannelRole::MeasuredFluorescence);
    const Grid& g = ds->channel(0).grid;
    CHECK(g.shape == std::array<std::size_t, 3>{176, 512, 512});
    // The file's own calibration: spacing=0.7955 micron, XResolution 1/0.29297 per micron.
    CHECK(g.spacing_um[0] == Approx(0.7955));
    CHECK(g.spacing_um[1] == Approx(0.29297).epsilon(1e-6));
    CHECK(g.spacing_um[2] == Approx(0.29297).epsilon(1e-6));
    VolumePtr v = ds->frame(0, 0);
    REQUIRE(v->type() == VoxelType::UInt8);
    const auto [lo, hi] = v->range();
    CHECK(hi > lo);
    CHECK(hi <= 255.0);
}

TEST_CASE("Cross-check with Python tifffile in both directions", "[tiff]")
{
    if (!pythonTifffileAvailable()) {
        WARN("skipped: /usr/bin/python3 with tifffile and numpy not available");
        return;
    }
    TempDir dir;
    SECTION("tifffile writes, openTiff reads")
    {
        const std::string zyx = dir.file("tf_zyx.tif");
        const std::string hyper = dir.file("tf_hyper.tif");
        const char* script = R"PY(
import sys, numpy as np, tifffile
a = (np.arange(3 * 4 * 5, dtype=np.float32).reshape(3, 4, 5) * 0.5 + 2.0).astype(np.float32)
tifffile.imwrite(sys.argv[1], a, imagej=True, resolution=(1 / 0.25, 1 / 0.125),
                 metadata={'spacing': 0.75, 'unit': 'um', 'axes': 'ZYX'})
h = np.zeros((2, 3, 2, 4, 5), dtype=np.uint16)  # T Z C Y X
for t in range(2):
    for z in range(3):
        for c in range(2):
            h[t, z, c] = 1000 * t + 100 * z + 10 * c
tifffile.imwrite(sys.argv[2], h, imagej=True, resolution=(10.0, 10.0),
                 metadata={'spacing': 0.3, 'unit': 'micron', 'finterval': 4.0, 'axes': 'TZCYX'})
)PY";
        REQUIRE(runPython(dir, script, "'" + zyx + "' '" + hyper + "'") == 0);

        DatasetPtr ds = openTiff(zyx);
        CHECK(ds->info().format == "imagej-tiff");
        const Grid& g = ds->channel(0).grid;
        CHECK(g.shape == std::array<std::size_t, 3>{3, 4, 5});
        CHECK(g.spacing_um[0] == Approx(0.75));
        CHECK(g.spacing_um[1] == Approx(0.125));
        CHECK(g.spacing_um[2] == Approx(0.25));
        VolumePtr v = ds->frame(0, 0);
        REQUIRE(v->type() == VoxelType::Float32);
        for (std::size_t i = 0; i < v->voxels(); ++i)
            REQUIRE(v->valueAt(i) == 0.5 * double(i) + 2.0);

        DatasetPtr hs = openTiff(hyper);
        REQUIRE(hs->channelCount() == 2);
        REQUIRE(hs->frameCount() == 2);
        CHECK(hs->channel(0).times_s[1] == Approx(4.0));
        CHECK(hs->channel(0).grid.spacing_um[0] == Approx(0.3));
        CHECK(hs->channel(0).grid.spacing_um[2] == Approx(0.1));
        for (int c = 0; c < 2; ++c)
            for (int t = 0; t < 2; ++t) {
                VolumePtr f = hs->frame(c, t);
                for (int z = 0; z < 3; ++z)
                    CHECK(f->at<std::uint16_t>(z, 2, 3) == 1000 * t + 100 * z + 10 * c);
            }
    }
    SECTION("writeImageJTiff writes, tifffile reads")
    {
        Volume v = Volume::zeros<float>(gridOf(3, 4, 5, {0.5, 0.2, 0.1}));
        for (std::size_t i = 0; i < v.voxels(); ++i)
            v.data<float>()[i] = 1.33f + 0.001f * float(i);
        const std::string path = dir.file("ours.tif");
        writeImageJTiff(path, v, "RI");
        const char* script = R"PY(
import sys, numpy as np, tifffile
with tifffile.TiffFile(sys.argv[1]) as t:
    assert t.is_imagej, 'not recognised as ImageJ'
    md = t.imagej_metadata
    a = t.asarray()
    assert a.shape == (3, 4, 5) and a.dtype == np.float32, (a.shape, a.dtype)
    expected = (np.float32(1.33) + np.float32(0.001) * np.arange(60, dtype=np.float32)).reshape(3, 4, 5)
    assert np.array_equal(a, expected), ('values differ', a.ravel()[:4], expected.ravel()[:4], np.abs(a - expected).max())
    assert md['slices'] == 3 and md['images'] == 3, md
    assert md['unit'] == 'micron', md
    assert abs(md['spacing'] - 0.5) < 1e-12, md
    assert md['refractome_value_unit'] == 'RI', md
    assert abs(md['min'] - a.min()) < 1e-6 and abs(md['max'] - a.max()) < 1e-6, md
    p = t.pages[0]
    xr = p.tags['XResolution'].value
    yr = p.tags['YResolution'].value
    assert abs(xr[1] / xr[0] - 0.1) < 1e-6 and abs(yr[1] / yr[0] - 0.2) < 1e-6, (xr, yr)
    assert int(p.tags['ResolutionUnit'].value) == 1
)PY";
        CHECK(runPython(dir, script, "'" + path + "'") == 0);
    }
}
