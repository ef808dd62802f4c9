#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include <zlib.h>

#include "core/io/ItkImageReader.h"
#include "core/model/Dataset.h"
#include "core/util/Errors.h"
#include "tests/support/TempDir.h"

// Fixtures are written byte by byte (formats are simple), independently of ITK. When the test
// target also sees ITK's headers, images written by itk::ImageFileWriter are checked too.
#if __has_include(<itkImageFileWriter.h>)
#define RFX_TEST_WITH_ITK_WRITER 1
#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkMetaImageIOFactory.h>
#include <itkNiftiImageIOFactory.h>
#include <itkNrrdImageIOFactory.h>
#endif

using namespace rfx;
using rfx::test::TempDir;
using Catch::Matchers::Contains;

namespace {

constexpr std::size_t NX = 5, NY = 4, NZ = 3;

template <class T> std::vector<T> ramp(double scale, double offset)
{
    std::vector<T> v(NX * NY * NZ);
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = static_cast<T>(offset + scale * double(i));
    return v;
}

template <class T> std::string raw(const std::vector<T>& v)
{
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

void writeFile(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

std::string nrrdHeader(const std::string& type, const std::string& sizes, const std::string& extra = "")
{
    return "NRRD0004\n# test fixture\ntype: " + type + "\ndimension: " +
           std::to_string(1 + std::count(sizes.begin(), sizes.end(), ' ')) + "\nsizes: " + sizes + "\n" + extra +
           "encoding: raw\nendian: little\n\n";
}

std::string metaHeader(const std::string& elementType, const std::string& dataFile)
{
    return "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n"
           "CompressedData = False\nTransformMatrix = 1 0 0 0 1 0 0 0 1\nOffset = 1.5 -2 3\n"
           "ElementSpacing = 0.1 0.2 0.5\nDimSize = 5 4 3\nElementType = " +
           elementType + "\nElementDataFile = " + dataFile + "\n";
}

// NIfTI-1 single file (.nii): 348-byte header, 4-byte extension flag, data at 352.
template <class T>
std::string niftiBytes(std::int16_t datatype, const std::vector<T>& data, std::uint8_t xyztUnits,
                       std::array<float, 3> spacingXYZ, std::array<float, 3> qoffsetXYZ)
{
    std::string h(352, '\0');
    auto put = [&](std::size_t at, auto v) { std::memcpy(&h[at], &v, sizeof v); };
    put(0, std::int32_t(348));
    const std::int16_t dims[8] = {3, NX, NY, NZ, 1, 1, 1, 1};
    for (int i = 0; i < 8; ++i)
        put(40 + 2 * i, dims[i]);
    put(70, datatype);
    put(72, std::int16_t(sizeof(T) * 8));
    const float pixdim[8] = {1.f, spacingXYZ[0], spacingXYZ[1], spacingXYZ[2], 1.f, 1.f, 1.f, 1.f};
    for (int i = 0; i < 8; ++i)
        put(76 + 4 * i, pixdim[i]);
    put(108, 352.0f);  // vox_offset
    put(112, 1.0f);    // scl_slope
    put(123, xyztUnits);
    put(252, std::int16_t(1));  // qform_code: scanner
    put(268, qoffsetXYZ[0]);
    put(272, qoffsetXYZ[1]);
    put(276, qoffsetXYZ[2]);
    std::memcpy(&h[344], "n+1\0", 4);
    return h + raw(data);
}

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

template <class T> void checkValues(const Volume& v, const std::vector<T>& expected)
{
    REQUIRE(v.voxels() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i)
        REQUIRE(v.valueAt(i) == Approx(double(expected[i])));
}

} // namespace

TEST_CASE("isItkImagePath recognises NRRD, MetaImage and NIfTI names", "[itk]")
{
    for (const char* p : {"a.nrrd", "a.NHDR", "dir/b.mha", "b.mhd", "c.nii", "c.nii.gz", "C.NII.GZ"})
        CHECK(isItkImagePath(p));
    for (const char* p : {"a.tif", "a.raw", "a.gz", "nii", "a.h5", "a.nii.bak"})
        CHECK_FALSE(isItkImagePath(p));
}

TEST_CASE("NRRD: values, spacing and origin (ITK x,y,z -> Grid z,y,x)", "[itk]")
{
    TempDir dir;
    SECTION("float32, space directions and origin")
    {
        const std::string path = dir.file("cell_ri.nrrd");
        const auto data = ramp<float>(0.001, 1.33);
        writeFile(path, nrrdHeader("float", "5 4 3",
                                   "space dimension: 3\nspace directions: (0.1,0,0) (0,0.2,0) (0,0,0.5)\n"
                                   "space origin: (1.5,-2,3)\n") +
                            raw(data));
        DatasetPtr ds = openItkImage(path);
        CHECK(ds->info().format == "nrrd");
        REQUIRE(ds->channelCount() == 1);
        CHECK(ds->channel(0).name == "cell_ri");
        CHECK(ds->channel(0).role == ChannelRole::RefractiveIndex);  // float, all within [1.2, 1.8]
        CHECK(ds->channel(0).unit == "RI");
        const Grid& g = ds->channel(0).grid;
        CHECK(g.shape == std::array<std::size_t, 3>{NZ, NY, NX});
        CHECK(g.spacing_um[0] == Approx(0.5));
        CHECK(g.spacing_um[1] == Approx(0.2));
        CHECK(g.spacing_um[2] == Approx(0.1));
        CHECK(g.origin_um[0] == Approx(3.0));
        CHECK(g.origin_um[1] == Approx(-2.0));
        CHECK(g.origin_um[2] == Approx(1.5));
        VolumePtr v = ds->frame(0, 0);
        REQUIRE(v->type() == VoxelType::Float32);
        checkValues(*v, data);
        // x fastest: voxel (z=2, y=1, x=3) is element 2*20 + 1*5 + 3.
        CHECK(v->at<float>(2, 1, 3) == data[2 * 20 + 1 * 5 + 3]);
    }
    SECTION("uint16 stays uint16; int16 becomes float32")
    {
        const std::string p16 = dir.file("counts.nrrd");
        const auto u16 = ramp<std::uint16_t>(1000, 3);
        writeFile(p16, nrrdHeader("uint16", "5 4 3", "spacings: 0.1 0.2 0.5\n") + raw(u16));
        DatasetPtr ds = openItkImage(p16);
        CHECK(ds->channel(0).role == ChannelRole::MeasuredFluorescence);
        VolumePtr v = ds->frame(0, 0);
        REQUIRE(v->type() == VoxelType::UInt16);
        checkValues(*v, u16);
        CHECK(v->grid().spacing_um[0] == Approx(0.5));

        const std::string ps = dir.file("signed.nrrd");
        const auto s16 = ramp<std::int16_t>(-100, 50);
        writeFile(ps, nrrdHeader("int16", "5 4 3") + raw(s16));
        VolumePtr vs = openItkImage(ps)->frame(0, 0);
        REQUIRE(vs->type() == VoxelType::Float32);
        checkValues(*vs, s16);
    }
    SECTION("2D image becomes one slice")
    {
        const std::string path = dir.file("plane.nrrd");
        const std::vector<std::uint8_t> data = {1, 2, 3, 4, 5, 6};
        writeFile(path, nrrdHeader("uint8", "3 2", "spacings: 0.25 0.5\n") + raw(data));
        DatasetPtr ds = openItkImage(path);
        const Grid& g = ds->channel(0).grid;
        CHECK(g.shape == std::array<std::size_t, 3>{1, 2, 3});
        CHECK(g.spacing_um[2] == Approx(0.25));
        CHECK(g.spacing_um[1] == Approx(0.5));
        VolumePtr v = ds->frame(0, 0);
        REQUIRE(v->type() == VoxelType::UInt8);
        CHECK(v->at<std::uint8_t>(0, 1, 2) == 6);
    }
}

TEST_CASE("MetaImage: .mha with local data and .mhd with a .raw file", "[itk]")
{
    TempDir dir;
    const auto data = ramp<std::uint8_t>(2, 1);
    const std::string mha = dir.file("beads.mha");
    writeFile(mha, metaHeader("MET_UCHAR", "LOCAL") + raw(data));
    const std::string mhd = dir.file("beads2.mhd");
    const auto fdata = ramp<float>(-0.5, 10);
    writeFile(mhd, metaHeader("MET_FLOAT", "beads2.raw"));
    writeFile(dir.file("beads2.raw"), raw(fdata));

    DatasetPtr a = openItkImage(mha);
    CHECK(a->info().format == "metaimage");
    const Grid& g = a->channel(0).grid;
    CHECK(g.shape == std::array<std::size_t, 3>{NZ, NY, NX});
    CHECK(g.spacing_um == std::array<double, 3>{0.5, 0.2, 0.1});
    CHECK(g.origin_um[0] == Approx(3.0));
    CHECK(g.origin_um[2] == Approx(1.5));
    VolumePtr va = a->frame(0, 0);
    REQUIRE(va->type() == VoxelType::UInt8);
    checkValues(*va, data);

    DatasetPtr b = openItkImage(mhd);
    CHECK(b->channel(0).role == ChannelRole::MeasuredFluorescence);  // float but not RI-like
    checkValues(*b->frame(0, 0), fdata);
}

TEST_CASE("NIfTI: .nii and .nii.gz, with declared length units", "[itk]")
{
    TempDir dir;
    const auto data = ramp<float>(0.25, -3);
    SECTION("no unit declared: numbers taken as µm")
    {
        const std::string path = dir.file("vol.nii");
        writeFile(path, niftiBytes<float>(16, data, 0, {0.1f, 0.2f, 0.5f}, {0.f, 0.f, 4.f}));
        DatasetPtr ds = openItkImage(path);
        CHECK(ds->info().format == "nifti");
        CHECK(ds->channel(0).name == "vol");
        const Grid& g = ds->channel(0).grid;
        CHECK(g.shape == std::array<std::size_t, 3>{NZ, NY, NX});
        CHECK(g.spacing_um[0] == Approx(0.5));
        CHECK(g.spacing_um[2] == Approx(0.1));
        CHECK(g.origin_um[0] == Approx(4.0));
        checkValues(*ds->frame(0, 0), data);
    }
    SECTION("micron units, gzip-compressed")
    {
        const std::string path = dir.file("vol_um.nii.gz");
        const std::string bytes = niftiBytes<float>(16, data, 3 /*NIFTI_UNITS_MICRON*/, {0.1f, 0.2f, 0.5f}, {0.f, 0.f, 0.f});
        gzFile gz = gzopen(path.c_str(), "wb");
        REQUIRE(gz);
        REQUIRE(gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())) == int(bytes.size()));
        REQUIRE(gzclose(gz) == Z_OK);
        DatasetPtr ds = openItkImage(path);
        CHECK(ds->channel(0).name == "vol_um");
        const Grid& g = ds->channel(0).grid;
        CHECK(g.spacing_um[0] == Approx(0.5));
        CHECK(g.spacing_um[1] == Approx(0.2));
        CHECK(g.spacing_um[2] == Approx(0.1));
        checkValues(*ds->frame(0, 0), data);
    }
    SECTION("millimetre units")
    {
        const std::string path = dir.file("vol_mm.nii");
        writeFile(path, niftiBytes<std::uint16_t>(512, ramp<std::uint16_t>(3, 0), 2 /*NIFTI_UNITS_MM*/,
                                                  {0.001f, 0.002f, 0.005f}, {0.f, 0.f, 0.f}));
        DatasetPtr ds = openItkImage(path);
        CHECK(ds->channel(0).grid.spacing_um[0] == Approx(5.0));
        CHECK(ds->channel(0).grid.spacing_um[2] == Approx(1.0));
        REQUIRE(ds->frame(0, 0)->type() == VoxelType::UInt16);
    }
}

TEST_CASE("Unreadable ITK images give one-line InputErrors naming the file", "[itk]")
{
    TempDir dir;
    SECTION("missing")
    {
        const std::string path = dir.file("none.nrrd");
        requireInputErrorNaming(path, [&] { openItkImage(path); });
    }
    SECTION("garbage named .nrrd")
    {
        const std::string path = dir.file("junk.nrrd");
        writeFile(path, "this is not an image\n\x01\x02\x03");
        requireInputErrorNaming(path, [&] { openItkImage(path); });
    }
    SECTION("garbage named .nii")
    {
        const std::string path = dir.file("junk.nii");
        writeFile(path, std::string(400, '\x07'));
        requireInputErrorNaming(path, [&] { openItkImage(path); });
    }
    SECTION("corrupt NRRD header")
    {
        const std::string path = dir.file("badheader.nrrd");
        writeFile(path, "NRRD0004\ntype: float\ndimension: 3\nsizes: 5 4\nencoding: raw\n\n0000");
        requireInputErrorNaming(path, [&] { openItkImage(path)->frame(0, 0); });
    }
    SECTION("truncated data")
    {
        const std::string path = dir.file("short.nrrd");
        writeFile(path, nrrdHeader("float", "5 4 3") + raw(std::vector<float>(10, 1.f)));
        requireInputErrorNaming(path, [&] { openItkImage(path)->frame(0, 0); });
    }
    SECTION("truncated MetaImage")
    {
        const std::string path = dir.file("short.mha");
        writeFile(path, metaHeader("MET_FLOAT", "LOCAL") + raw(std::vector<float>(7, 1.f)));
        requireInputErrorNaming(path, [&] { openItkImage(path)->frame(0, 0); });
    }
    SECTION("truncated NIfTI")
    {
        const std::string path = dir.file("short.nii");
        std::string bytes = niftiBytes<float>(16, ramp<float>(1, 0), 0, {1.f, 1.f, 1.f}, {0.f, 0.f, 0.f});
        bytes.resize(bytes.size() - 100);
        writeFile(path, bytes);
        requireInputErrorNaming(path, [&] { openItkImage(path)->frame(0, 0); });
    }
    SECTION("MetaImage whose .raw file is missing")
    {
        const std::string path = dir.file("orphan.mhd");
        writeFile(path, metaHeader("MET_USHORT", "orphan.raw"));
        requireInputErrorNaming(path, [&] { openItkImage(path)->frame(0, 0); });
    }
    SECTION("vector voxels")
    {
        const std::string path = dir.file("flow.nrrd");
        writeFile(path, nrrdHeader("float", "3 5 4 3", "kinds: vector domain domain domain\n") +
                            raw(std::vector<float>(3 * NX * NY * NZ, 0.f)));
        requireInputErrorNaming(path, [&] { openItkImage(path); }, "scalar");
    }
    SECTION("absurd declared size")
    {
        const std::string path = dir.file("huge.nrrd");
        writeFile(path, nrrdHeader("float", "100000 100000 100000") + raw(std::vector<float>(4, 0.f)));
        requireInputErrorNaming(path, [&] { openItkImage(path); });
    }
}

#ifdef RFX_TEST_WITH_ITK_WRITER
TEST_CASE("Images written by itk::ImageFileWriter read back", "[itk]")
{
    itk::NrrdImageIOFactory::RegisterOneFactory();
    itk::MetaImageIOFactory::RegisterOneFactory();
    itk::NiftiImageIOFactory::RegisterOneFactory();
    TempDir dir;
    using Image = itk::Image<float, 3>;
    auto img = Image::New();
    Image::RegionType region;
    Image::SizeType size = {{NX, NY, NZ}};
    region.SetSize(size);
    img->SetRegions(region);
    img->Allocate();
    const double spacing[3] = {0.1, 0.2, 0.5};
    const double origin[3] = {1.5, -2.0, 3.0};
    img->SetSpacing(spacing);
    img->SetOrigin(origin);
    const auto data = ramp<float>(0.5, 7);
    std::memcpy(img->GetBufferPointer(), data.data(), data.size() * sizeof(float));
    for (const std::string name : {"itk.nrrd", "itk.mha", "itk.nii", "itk.nii.gz"}) {
        DYNAMIC_SECTION(name)
        {
            const std::string path = dir.file(name);
            auto writer = itk::ImageFileWriter<Image>::New();
            writer->SetFileName(path);
            writer->SetInput(img);
            writer->Update();
            DatasetPtr ds = openItkImage(path);
            const Grid& g = ds->channel(0).grid;
            CHECK(g.shape == std::array<std::size_t, 3>{NZ, NY, NX});
            // ITK labels NIfTI spacing as millimetres; we honour the file's unit.
            const double scale = name.find(".nii") != std::string::npos ? 1000.0 : 1.0;
            CHECK(g.spacing_um[0] == Approx(0.5 * scale));
            CHECK(g.spacing_um[2] == Approx(0.1 * scale));
            CHECK(g.origin_um[0] == Approx(3.0 * scale));
            checkValues(*ds->frame(0, 0), data);
        }
    }
}
#endif
