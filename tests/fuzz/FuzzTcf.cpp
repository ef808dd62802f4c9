// Structure-aware libFuzzer target for the Tomocube TCF reader.
//
// Why not feed raw bytes to openTcf: libhdf5 1.10 is not robust against arbitrary corrupt files
// (it crashes or loops inside its own B-tree/heap decoding), and those crashes are not ours to fix.
// So the input bytes are read as *parameters* of a TCF (format version, sizes, classic/tiled layout,
// tile offsets and last points, scalar type, attributes present/missing/overridden with huge,
// negative, NaN values, NaN voxels, FL/MIP groups, an unavailable filter...), which TcfTestWriter
// turns into a well-formed HDF5 file with hostile *content*. That is the part of the reader we own.
// openTcf must then either open the file (and every frame must read) or throw rfx::InputError with a
// one-line "PATH: problem" message; any other exception, a wrong shape or a crash is a bug. When the
// parameters describe a valid file, the voxel values must also equal what was written.
// Raw bytes still go through the one path that never reaches libhdf5 with them: the signature check
// (h5::isHdf5File) and openTcf's refusal of non-HDF5 files. Inputs starting with 'R' take that path.
#include <fuzzer/FuzzedDataProvider.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <typeinfo>

#include "core/io/Hdf5Util.h"
#include "core/io/TcfReader.h"
#include "core/util/Errors.h"
#include "tests/support/TcfTestWriter.h"

using namespace rfx;
using rfx::test::TcfLayout;
using rfx::test::TcfSpec;

namespace {

[[noreturn]] void bug(const std::string& what)
{
    std::fprintf(stderr, "FuzzTcf: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

const std::string& tempPath()
{
    static const std::string path = [] {
        const std::string dir = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
        return dir + "/refractome-fuzz-tcf-" + std::to_string(::getpid()) + ".tcf";
    }();
    return path;
}

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Hostile numbers: zero, negatives, huge, beyond int64, non-integral, non-finite.
double hostileNumber(FuzzedDataProvider& in)
{
    static const double palette[] = {0,    1,     -1,   2,    3,     4,     5,    7,     8,          255,
                                     256,  65535, 1e9,  -1e9, 2147483648.0, 9.3e18, -9.3e18, 1e19, 1e300,
                                     -1e300, 0.5, 1.33, 1e-300, kNaN, kInf, -kInf};
    if (in.ConsumeBool())
        return static_cast<double>(in.ConsumeIntegralInRange<int>(-3, 12));
    return in.PickValueInArray(palette);
}

const char* const kAttrNames[] = {
    "SizeX", "SizeY", "SizeZ", "ResolutionX", "ResolutionY", "ResolutionZ", "DataCount", "TimeInterval", "Time",
    "RIMin", "DataSizeX", "DataSizeY", "DataSizeZ", "NumberOfTiles", "ScalarType", "SamplingStep",
    "DataIndexOffsetPointX", "DataIndexOffsetPointY", "DataIndexOffsetPointZ", "DataIndexLastPointX",
    "DataIndexLastPointY", "DataIndexLastPointZ", "ColorR", "ColorG", "Excitation", "Emission", "RI", "Channels",
    "FormatVersion", "Title"};
const char* const kObjects[] = {"",
                                "",
                                "/",
                                "/Data/3D",
                                "/Data/3D/000000",
                                "/Data/3D/000001",
                                "/Data/3D/000000/TILE_00",
                                "/Data/3D/000000/TILE_01",
                                "/Data/3D/000001/TILE_00",
                                "/Data/3DFL",
                                "/Data/3DFL/CH0",
                                "/Data/3DFL/CH0/000000",
                                "/Data/2DMIP",
                                "/Data/2DMIP/000000",
                                "/Info/Device"};

std::string attrKey(FuzzedDataProvider& in)
{
    const std::string obj = in.PickValueInArray(kObjects);
    const std::string name = in.PickValueInArray(kAttrNames);
    return obj.empty() ? name : obj + ":" + name;
}

// Builds a spec from the input; `clean` stays true when the spec describes a valid file.
TcfSpec specFrom(FuzzedDataProvider& in, bool& clean)
{
    TcfSpec s;
    clean = true;
    static const char* const versions[] = {"1.4.1", "1.3.2", "1.2", "1.3", "", "x.y", "99999999999999999999.1"};
    s.formatVersion = in.PickValueInArray(versions);
    s.numericFormatVersion = in.ConsumeBool();
    s.layout = static_cast<TcfLayout>(in.ConsumeIntegralInRange<int>(0, 2));
    for (auto& d : s.shape)
        d = in.ConsumeIntegralInRange<std::size_t>(1, 6);
    static const double resolutions[] = {0.1, 0.2, 0.155, 0.0, -0.1, kNaN, kInf, 1e300};
    for (auto& r : s.resolution) {
        r = in.PickValueInArray(resolutions);
        clean = clean && r > 0 && r < 1;
    }
    const std::size_t frames = in.ConsumeIntegralInRange<std::size_t>(1, 3);
    s.times.clear();
    static const double times[] = {0.0, 1.5, 3.0, kNaN, -5.0, 1e308};
    for (std::size_t t = 0; t < frames; ++t)
        s.times.push_back(in.PickValueInArray(times));
    if (in.ConsumeBool())
        s.timeInterval = hostileNumber(in);
    if (in.ConsumeBool())
        s.dataCount = in.ConsumeIntegralInRange<long long>(0, 5);

    // Tiled layout.
    s.scalarType = in.ConsumeBool() ? in.ConsumeIntegralInRange<long long>(-1, 3) : 0;
    static const double riMins[] = {1.33, 1.3305, 0.0, -1.0, kNaN, kInf, 1e300};
    s.riMin = in.PickValueInArray(riMins);
    if (s.layout == TcfLayout::Tiled)
        clean = clean && (s.scalarType == 0 || s.scalarType == 1) && std::fabs(s.riMin) < 10;
    for (auto& n : s.tileGrid)
        n = in.ConsumeIntegralInRange<std::size_t>(1, 3);
    s.extraSubsampledTile = in.ConsumeBool();
    if (in.ConsumeProbability<float>() < 0.3f) {
        clean = false;
        const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 4);
        for (std::size_t i = 0; i < n; ++i) {
            test::TcfTile tile;
            for (int a = 0; a < 3; ++a) {
                tile.offset[a] = in.ConsumeBool() ? in.ConsumeIntegralInRange<long long>(-2, 7)
                                                  : in.ConsumeIntegral<long long>();
                tile.last[a] = in.ConsumeBool() ? in.ConsumeIntegralInRange<long long>(-2, 9)
                                                : in.ConsumeIntegral<long long>();
                tile.stored[a] = in.ConsumeIntegralInRange<std::size_t>(1, 6);
            }
            tile.samplingStep = in.ConsumeBool() ? 1 : in.ConsumeIntegralInRange<long long>(-1, 4);
            s.tiles.push_back(tile);
        }
    }

    s.deflate = in.ConsumeBool();
    if (in.ConsumeProbability<float>() < 0.05f) {
        s.unavailableFilter = true;
        clean = false;
    }

    // FL, MIP, device.
    const std::size_t flChannels = in.ConsumeIntegralInRange<std::size_t>(0, 2);
    for (std::size_t c = 0; c < flChannels; ++c) {
        test::TcfFlChannel ch;
        ch.uint8 = in.ConsumeBool();
        ch.times.assign(in.ConsumeIntegralInRange<std::size_t>(0, 3), 0.0);
        for (std::size_t t = 0; t < ch.times.size(); ++t)
            ch.times[t] = in.PickValueInArray(times);
        if (in.ConsumeBool())
            ch.color = {in.ConsumeIntegralInRange<int>(-1, 300), in.ConsumeIntegralInRange<int>(-1, 300),
                        in.ConsumeIntegralInRange<int>(-1, 300)};
        s.fl.push_back(ch);
    }
    for (auto& d : s.flShape)
        d = in.ConsumeIntegralInRange<std::size_t>(1, 4);
    s.mip = in.ConsumeBool();
    if (in.ConsumeBool())
        s.mediumRI = hostileNumber(in);
    if (in.ConsumeBool())
        s.na = hostileNumber(in);

    // Faults.
    if (in.ConsumeProbability<float>() < 0.03f) {
        s.noData3D = true;
        clean = false;
    }
    for (std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 3); n > 0; --n) {
        s.omitAttrs.insert(attrKey(in));
        clean = false;
    }
    for (std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 3); n > 0; --n) {
        s.attrOverrides[attrKey(in)] = hostileNumber(in);
        clean = false;
    }
    for (std::size_t n = in.ConsumeIntegralInRange<std::size_t>(0, 2); n > 0; --n)
        s.numbersAsStrings.insert(attrKey(in));
    if (s.layout == TcfLayout::ClassicFloat) {
        s.nanVoxels = in.ConsumeIntegralInRange<std::size_t>(0, 2);
        s.infVoxel = in.ConsumeBool();
        clean = clean && s.nanVoxels == 0 && !s.infVoxel;
    }
    return s;
}

void checkMessage(const InputError& e, const std::string& path)
{
    const std::string msg = e.what();
    if (msg.rfind(path + ": ", 0) != 0 || msg.find('\n') != std::string::npos)
        bug("InputError is not one line starting with the path: " + msg);
}

// Opens and reads everything; returns false when the reader refused the file with InputError.
bool openAndReadAll(const std::string& path, const TcfSpec& spec, bool clean)
{
    try {
        DatasetPtr ds = openTcf(path);
        for (std::size_t c = 0; c < ds->channelCount(); ++c) {
            const ChannelInfo& ch = ds->channel(c);
            if (ch.times_s.empty())
                bug("channel " + ch.name + " has no frames");
            for (double t : ch.times_s)
                if (!std::isfinite(t))
                    bug("non-finite time in channel " + ch.name);
            for (std::size_t t = 0; t < ch.frames(); ++t) {
                const VolumePtr v = ds->frame(c, t);
                if (v->shape() != ch.grid.shape || v->type() != VoxelType::Float32)
                    bug("frame shape or type differs from the channel's grid in " + ch.name);
                if (v->nonFiniteCount() != 0)
                    bug("non-finite voxels passed through in " + ch.name);
            }
        }
        if (clean) {
            const int ri = ds->channelIndex("ri");
            if (ri != 0 || ds->channel(0).frames() != spec.times.size())
                bug("valid file: wrong RI channel or frame count");
            for (std::size_t t = 0; t < spec.times.size(); ++t) {
                const VolumePtr v = ds->frame(0, t);
                for (std::size_t z = 0; z < spec.shape[0]; ++z)
                    for (std::size_t y = 0; y < spec.shape[1]; ++y)
                        for (std::size_t x = 0; x < spec.shape[2]; ++x)
                            if (v->at<float>(z, y, x) != test::tcfExpectedRI(spec, t, z, y, x))
                                bug("valid file: wrong RI value");
                if (std::isfinite(spec.times[t]) && ds->channel(0).times_s[t] != spec.times[t])
                    bug("valid file: wrong frame time");
            }
        }
        return true;
    } catch (const InputError& e) {
        checkMessage(e, path);
        if (clean)
            bug(std::string("valid file refused: ") + e.what());
        return false;
    } catch (const std::exception& e) {
        bug(std::string("unexpected ") + typeid(e).name() + ": " + e.what());
    }
}

void fuzzRawBytes(const std::uint8_t* data, std::size_t size)
{
    const std::string& path = tempPath();
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    if (h5::isHdf5File(path))
        return;  // real HDF5 bytes would reach libhdf5's decoder: see the comment at the top
    try {
        openTcf(path);
        bug("non-HDF5 bytes were accepted");
    } catch (const InputError& e) {
        checkMessage(e, path);
    } catch (const std::exception& e) {
        bug(std::string("unexpected ") + typeid(e).name() + ": " + e.what());
    }
}

void writeSeed(const std::string& dir, const std::string& name, const std::string& bytes)
{
    std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    h5::silenceErrors();
    // Seeds for ctest's corpus (see tests/fuzz/CMakeLists.txt); only into an empty corpus.
    const char* dir = std::getenv("REFRACTOME_FUZZ_SEED_DIR");
    std::error_code ec;
    if (dir && std::filesystem::is_directory(dir, ec) && std::filesystem::is_empty(dir, ec)) {
        writeSeed(dir, "clean-default", "");
        writeSeed(dir, "raw-text", "Rnot a tomogram");
        writeSeed(dir, "raw-hdf5-signature", std::string("R\x89HDF\r\n\x1a\n", 9) + std::string(64, '\0'));
        std::uint32_t state = 12345;
        for (int i = 0; i < 16; ++i) {
            std::string bytes(static_cast<std::size_t>(32 + 8 * i), '\0');
            for (char& b : bytes) {
                state = state * 1664525u + 1013904223u;
                b = static_cast<char>(state >> 24);
            }
            if (bytes[0] == 'R')
                bytes[0] = 'S';
            writeSeed(dir, "params-" + std::to_string(i), bytes);
        }
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > 0 && data[0] == 'R') {
        fuzzRawBytes(data + 1, size - 1);
        std::remove(tempPath().c_str());
        return 0;
    }
    FuzzedDataProvider in(data, size);
    bool clean = true;
    const TcfSpec spec = specFrom(in, clean);
    const std::string& path = tempPath();
    try {
        test::writeTcf(path, spec);
    } catch (const std::exception&) {
        std::remove(path.c_str());
        return 0;  // HDF5 refused to write these parameters: nothing to read
    }
    openAndReadAll(path, spec, clean);
    std::remove(path.c_str());  // nothing left behind in /dev/shm
    return 0;
}
