#include "tests/support/TcfTestWriter.h"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "core/io/Hdf5Util.h"

namespace rfx::test {

namespace {

using h5::Handle;

// Voxel patterns: distinct per frame and position, and exact after the reader's conversion.
std::uint16_t riRaw16(std::size_t t, std::size_t z, std::size_t y, std::size_t x)
{
    return static_cast<std::uint16_t>(13300 + (t * 7 + z * 31 + y * 5 + x * 3) % 900);
}
std::uint8_t riRaw8(std::size_t t, std::size_t z, std::size_t y, std::size_t x)
{
    return static_cast<std::uint8_t>((t * 7 + z * 31 + y * 5 + x * 3) % 200);
}
std::uint16_t flRaw(bool u8, std::size_t c, std::size_t t, std::size_t z, std::size_t y, std::size_t x)
{
    if (u8)
        return static_cast<std::uint16_t>((c * 10 + t * 13 + z * 7 + y * 3 + x) % 250);
    return static_cast<std::uint16_t>(100 + (c * 100 + t * 13 + z * 7 + y * 3 + x) % 4000);
}
std::uint16_t mipRaw(std::size_t t, std::size_t y, std::size_t x)
{
    return static_cast<std::uint16_t>(13300 + (t * 11 + y * 5 + x * 3) % 900);
}

std::string frameName(std::size_t t)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%06zu", t);
    return buf;
}

void check(herr_t rc, const char* what)
{
    if (rc < 0)
        throw std::runtime_error(std::string("TcfTestWriter: HDF5 failed: ") + what);
}

Handle checked(hid_t id, const char* what)
{
    if (id < 0)
        throw std::runtime_error(std::string("TcfTestWriter: HDF5 failed: ") + what);
    return Handle(id);
}

// Pass-through filter; unregistered after writing so the reader finds it unavailable.
size_t passThrough(unsigned, size_t, const unsigned[], size_t nbytes, size_t*, void**) { return nbytes; }

const H5Z_class2_t kTestFilter = {
    H5Z_CLASS_T_VERS, static_cast<H5Z_filter_t>(kTcfTestFilterId), 1, 1, "refractome-test-filter",
    nullptr,          nullptr,                                     passThrough,
};

// Attribute writing with the spec's omissions, overrides and string-typed numbers applied.
class Attrs {
public:
    explicit Attrs(const TcfSpec& s) : s_(s) {}

    void num(hid_t obj, const std::string& objPath, const std::string& name, double v) const
    {
        const std::string key = objPath + ":" + name;
        if (s_.omitAttrs.count(name) || s_.omitAttrs.count(key))
            return;
        if (auto it = s_.attrOverrides.find(key); it != s_.attrOverrides.end())
            v = it->second;
        else if (auto it2 = s_.attrOverrides.find(name); it2 != s_.attrOverrides.end())
            v = it2->second;
        if (s_.numbersAsStrings.count(name) || s_.numbersAsStrings.count(key)) {
            std::ostringstream os;
            os.precision(17);
            os << v;
            h5::writeAttr(obj, name, os.str());
        } else if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9e18) {
            h5::writeAttr(obj, name, static_cast<long long>(v));
        } else {
            h5::writeAttr(obj, name, v);
        }
    }

    void str(hid_t obj, const std::string& objPath, const std::string& name, const std::string& v) const
    {
        if (s_.omitAttrs.count(name) || s_.omitAttrs.count(objPath + ":" + name))
            return;
        h5::writeAttr(obj, name, v);
    }

private:
    const TcfSpec& s_;
};

class Writer {
public:
    Writer(const TcfSpec& s, hid_t file) : s_(s), a_(s), file_(file) {}

    void write()
    {
        writeRoot();
        Handle data = group(file_, "/Data");
        if (!s_.noData3D)
            writeRI();
        if (!s_.fl.empty())
            writeFl();
        if (s_.mip)
            writeMip();
        writeDevice();
    }

private:
    Handle group(hid_t loc, const std::string& name)
    {
        return checked(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name.c_str());
    }

    // Creates and fills a dataset of `type` from `values` (already in the file type's C type).
    template <class T>
    Handle dataset(hid_t loc, const std::string& name, hid_t fileType, hid_t memType, const std::vector<hsize_t>& dims,
                   const std::vector<T>& values)
    {
        Handle space = checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "space");
        Handle dcpl = checked(H5Pcreate(H5P_DATASET_CREATE), "dcpl");
        const bool nonEmpty = std::all_of(dims.begin(), dims.end(), [](hsize_t d) { return d > 0; });
        if ((s_.deflate || s_.unavailableFilter) && nonEmpty) {
            check(H5Pset_chunk(dcpl, static_cast<int>(dims.size()), dims.data()), "chunk");
            if (s_.deflate)
                check(H5Pset_deflate(dcpl, 1), "deflate");
            if (s_.unavailableFilter) {
                if (H5Zfilter_avail(kTcfTestFilterId) <= 0)
                    check(H5Zregister(&kTestFilter), "register filter");
                check(H5Pset_filter(dcpl, kTcfTestFilterId, H5Z_FLAG_MANDATORY, 0, nullptr), "set filter");
            }
        }
        Handle d = checked(H5Dcreate2(loc, name.c_str(), fileType, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                           name.c_str());
        if (!values.empty())
            check(H5Dwrite(d, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "write");
        return d;
    }

    void writeRoot()
    {
        if (s_.numericFormatVersion)
            a_.num(file_, "/", "FormatVersion", std::strtod(s_.formatVersion.c_str(), nullptr));
        else
            a_.str(file_, "/", "FormatVersion", s_.formatVersion);
        a_.str(file_, "/", "Title", s_.title);
        a_.str(file_, "/", "DeviceSerial", s_.deviceSerial);
        a_.str(file_, "/", "RecordingTime", s_.recordingTime);
        a_.str(file_, "/", "DeviceModelType", s_.deviceModelType);
        a_.str(file_, "/", "SoftwareVersion", "TomoStudio 0.0-test");
    }

    void sizeAttrs(hid_t g, const std::string& path, const std::array<std::size_t, 3>& shape,
                   const std::array<double, 3>& res, bool withZ = true)
    {
        a_.num(g, path, "SizeX", static_cast<double>(shape[2]));
        a_.num(g, path, "SizeY", static_cast<double>(shape[1]));
        if (withZ)
            a_.num(g, path, "SizeZ", static_cast<double>(shape[0]));
        a_.num(g, path, "ResolutionX", res[2]);
        a_.num(g, path, "ResolutionY", res[1]);
        if (withZ)
            a_.num(g, path, "ResolutionZ", res[0]);
    }

    void writeRI()
    {
        const std::string path = "/Data/3D";
        Handle g = group(file_, path);
        const std::size_t frames = s_.times.size();
        a_.num(g, path, "DataCount", static_cast<double>(s_.dataCount >= 0 ? s_.dataCount : (long long)frames));
        sizeAttrs(g, path, s_.shape, s_.resolution);
        a_.num(g, path, "RIMin", 1.33);
        a_.num(g, path, "RIMax", 1.42);
        if (std::isfinite(s_.timeInterval))
            a_.num(g, path, "TimeInterval", s_.timeInterval);
        for (std::size_t t = 0; t < frames; ++t) {
            const std::string name = frameName(t);
            Handle obj = s_.layout == TcfLayout::Tiled ? writeTiledFrame(g, path + "/" + name, t)
                                                       : writeClassicFrame(g, name, t, frames);
            const std::string objPath = path + "/" + name;
            if (!std::isnan(s_.times[t]))
                a_.num(obj, objPath, "Time", s_.times[t]);
            if (s_.layout != TcfLayout::Tiled) {
                a_.num(obj, objPath, "RIMin", 1.33);
                a_.num(obj, objPath, "RIMax", 1.42);
            }
        }
    }

    Handle writeClassicFrame(hid_t g, const std::string& name, std::size_t t, std::size_t frames)
    {
        const auto& sh = s_.shape;
        const std::vector<hsize_t> dims{sh[0], sh[1], sh[2]};
        const std::size_t n = sh[0] * sh[1] * sh[2];
        if (s_.layout == TcfLayout::Classic) {
            std::vector<std::uint16_t> v(n);
            for (std::size_t z = 0, i = 0; z < sh[0]; ++z)
                for (std::size_t y = 0; y < sh[1]; ++y)
                    for (std::size_t x = 0; x < sh[2]; ++x)
                        v[i++] = riRaw16(t, z, y, x);
            return dataset(g, name, H5T_STD_U16LE, H5T_NATIVE_UINT16, dims, v);
        }
        std::vector<float> v(n);
        for (std::size_t z = 0, i = 0; z < sh[0]; ++z)
            for (std::size_t y = 0; y < sh[1]; ++y)
                for (std::size_t x = 0; x < sh[2]; ++x)
                    v[i++] = tcfExpectedRI(s_, t, z, y, x);
        if (t + 1 == frames) {
            for (std::size_t i = 0; i < std::min(n, s_.nanVoxels); ++i)
                v[i] = std::numeric_limits<float>::quiet_NaN();
            if (s_.infVoxel && n > 0)
                v[n - 1] = std::numeric_limits<float>::infinity();
        }
        return dataset(g, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, dims, v);
    }

    std::vector<TcfTile> tiles() const
    {
        if (!s_.tiles.empty())
            return s_.tiles;
        std::vector<TcfTile> out;
        std::array<std::size_t, 3> n{}, size{};
        for (int a = 0; a < 3; ++a) {
            n[a] = std::clamp<std::size_t>(s_.tileGrid[a], 1, std::max<std::size_t>(1, s_.shape[a]));
            size[a] = std::max<std::size_t>(1, (s_.shape[a] + n[a] - 1) / n[a]);
            // Only as many tiles as the volume needs: 4 voxels in "3" tiles of 2 is 2 tiles, never
            // a tile starting beyond the volume (which the reader rightly refuses).
            n[a] = std::max<std::size_t>(1, (s_.shape[a] + size[a] - 1) / size[a]);
        }
        // Equal-sized tiles; the last ones reach past the volume, as in real files.
        for (std::size_t i = 0; i < n[0]; ++i)
            for (std::size_t j = 0; j < n[1]; ++j)
                for (std::size_t k = 0; k < n[2]; ++k) {
                    TcfTile tile;
                    const std::array<std::size_t, 3> idx{i, j, k};
                    for (int a = 0; a < 3; ++a) {
                        tile.offset[a] = static_cast<long long>(idx[a] * size[a]);
                        tile.last[a] = tile.offset[a] + static_cast<long long>(size[a]) - 1;
                        tile.stored[a] = size[a];
                    }
                    out.push_back(tile);
                }
        if (s_.extraSubsampledTile) {
            TcfTile junk;
            junk.samplingStep = 2;
            for (int a = 0; a < 3; ++a) {
                junk.last[a] = static_cast<long long>(s_.shape[a]) - 1;
                junk.stored[a] = std::max<std::size_t>(1, (s_.shape[a] + 1) / 2);
            }
            out.push_back(junk);
        }
        return out;
    }

    Handle writeTiledFrame(hid_t parent, const std::string& path, std::size_t t)
    {
        Handle g = group(parent, path);
        const auto list = tiles();
        a_.num(g, path, "DataSizeX", static_cast<double>(s_.shape[2]));
        a_.num(g, path, "DataSizeY", static_cast<double>(s_.shape[1]));
        a_.num(g, path, "DataSizeZ", static_cast<double>(s_.shape[0]));
        a_.num(g, path, "NumberOfTiles", static_cast<double>(list.size()));
        a_.num(g, path, "RIMin", s_.riMin);
        a_.num(g, path, "RIMax", 1.42);
        a_.num(g, path, "ScalarType", static_cast<double>(s_.scalarType));
        const bool u8 = s_.scalarType == 1;
        for (std::size_t i = 0; i < list.size(); ++i) {
            const TcfTile& tile = list[i];
            std::array<std::size_t, 3> st{};
            for (int a = 0; a < 3; ++a) {
                // In double: offsets may be anywhere in the int64 range.
                const double span = static_cast<double>(tile.last[a]) - static_cast<double>(tile.offset[a]) + 1;
                st[a] = tile.stored[a] ? tile.stored[a] : static_cast<std::size_t>(std::clamp(span, 1.0, 256.0));
            }
            std::vector<std::uint16_t> v16;
            std::vector<std::uint8_t> v8;
            (u8 ? v8.resize(st[0] * st[1] * st[2]) : v16.resize(st[0] * st[1] * st[2]));
            std::size_t idx = 0;
            for (std::size_t z = 0; z < st[0]; ++z)
                for (std::size_t y = 0; y < st[1]; ++y)
                    for (std::size_t x = 0; x < st[2]; ++x, ++idx) {
                        const std::array<std::size_t, 3> local{z, y, x};
                        std::array<std::size_t, 3> gpos{};
                        bool inside = tile.samplingStep == 1;
                        for (int a = 0; a < 3 && inside; ++a) {
                            inside = tile.offset[a] >= 0 &&
                                     tile.offset[a] < static_cast<long long>(s_.shape[a]) &&
                                     static_cast<std::size_t>(tile.offset[a]) + local[a] < s_.shape[a];
                            gpos[a] = inside ? static_cast<std::size_t>(tile.offset[a]) + local[a] : 0;
                        }
                        if (u8)
                            v8[idx] = inside ? riRaw8(t, gpos[0], gpos[1], gpos[2]) : 0xFF;
                        else
                            v16[idx] = inside ? riRaw16(t, gpos[0], gpos[1], gpos[2]) : 0xFFFF;
                    }
            char name[32];
            std::snprintf(name, sizeof name, "TILE_%02zu", i);
            const std::vector<hsize_t> dims{st[0], st[1], st[2]};
            Handle d = u8 ? dataset(g, name, H5T_STD_U8LE, H5T_NATIVE_UINT8, dims, v8)
                          : dataset(g, name, H5T_STD_U16LE, H5T_NATIVE_UINT16, dims, v16);
            const std::string tp = path + "/" + name;
            a_.num(d, tp, "SamplingStep", static_cast<double>(tile.samplingStep));
            const char* axes[3] = {"Z", "Y", "X"};
            for (int a = 0; a < 3; ++a) {
                a_.num(d, tp, std::string("DataIndexOffsetPoint") + axes[a], static_cast<double>(tile.offset[a]));
                a_.num(d, tp, std::string("DataIndexLastPoint") + axes[a], static_cast<double>(tile.last[a]));
            }
        }
        return g;
    }

    void writeFl()
    {
        const std::string path = "/Data/3DFL";
        Handle g = group(file_, path);
        std::size_t maxFrames = 0;
        for (const auto& c : s_.fl)
            maxFrames = std::max(maxFrames, c.times.size());
        a_.num(g, path, "Channels", static_cast<double>(s_.fl.size()));
        a_.num(g, path, "DataCount", static_cast<double>(maxFrames));
        sizeAttrs(g, path, s_.flShape, s_.flResolution);
        const auto& sh = s_.flShape;
        for (std::size_t c = 0; c < s_.fl.size(); ++c) {
            const TcfFlChannel& ch = s_.fl[c];
            const std::string cp = path + "/CH" + std::to_string(c);
            Handle cg = group(file_, cp);
            a_.num(cg, cp, "Excitation", ch.excitation);
            a_.num(cg, cp, "Emission", ch.emission);
            const char* rgb[3] = {"ColorR", "ColorG", "ColorB"};
            for (int k = 0; k < 3; ++k)
                if (ch.color[k] >= 0)
                    a_.num(cg, cp, rgb[k], ch.color[k]);
            for (std::size_t t = 0; t < ch.times.size(); ++t) {
                const std::vector<hsize_t> dims{sh[0], sh[1], sh[2]};
                std::vector<std::uint16_t> v16(ch.uint8 ? 0 : sh[0] * sh[1] * sh[2]);
                std::vector<std::uint8_t> v8(ch.uint8 ? sh[0] * sh[1] * sh[2] : 0);
                for (std::size_t z = 0, i = 0; z < sh[0]; ++z)
                    for (std::size_t y = 0; y < sh[1]; ++y)
                        for (std::size_t x = 0; x < sh[2]; ++x, ++i) {
                            if (ch.uint8)
                                v8[i] = static_cast<std::uint8_t>(flRaw(true, c, t, z, y, x));
                            else
                                v16[i] = flRaw(false, c, t, z, y, x);
                        }
                const std::string name = frameName(t);
                Handle d = ch.uint8 ? dataset(cg, name, H5T_STD_U8LE, H5T_NATIVE_UINT8, dims, v8)
                                    : dataset(cg, name, H5T_STD_U16LE, H5T_NATIVE_UINT16, dims, v16);
                if (!std::isnan(ch.times[t]))
                    a_.num(d, cp + "/" + name, "Time", ch.times[t]);
            }
        }
    }

    void writeMip()
    {
        const std::string path = "/Data/2DMIP";
        Handle g = group(file_, path);
        a_.num(g, path, "DataCount", static_cast<double>(s_.times.size()));
        sizeAttrs(g, path, s_.shape, s_.resolution, false);
        const std::size_t ny = s_.shape[1], nx = s_.shape[2];
        const std::vector<hsize_t> dims{ny, nx};
        for (std::size_t t = 0; t < s_.times.size(); ++t) {
            const std::string name = frameName(t);
            Handle d;
            if (s_.layout == TcfLayout::ClassicFloat) {
                std::vector<float> v(ny * nx);
                for (std::size_t y = 0; y < ny; ++y)
                    for (std::size_t x = 0; x < nx; ++x)
                        v[y * nx + x] = tcfExpectedMip(s_, t, y, x);
                d = dataset(g, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, dims, v);
            } else {
                std::vector<std::uint16_t> v(ny * nx);
                for (std::size_t y = 0; y < ny; ++y)
                    for (std::size_t x = 0; x < nx; ++x)
                        v[y * nx + x] = mipRaw(t, y, x);
                d = dataset(g, name, H5T_STD_U16LE, H5T_NATIVE_UINT16, dims, v);
            }
            if (!std::isnan(s_.times[t]))
                a_.num(d, path + "/" + name, "Time", s_.times[t]);
        }
    }

    void writeDevice()
    {
        Handle info = group(file_, "/Info");
        const std::string path = "/Info/Device";
        Handle g = group(file_, path);
        const std::pair<const char*, double> values[] = {
            {"RI", s_.mediumRI}, {"NA", s_.na}, {"Magnification", s_.magnification}, {"Wavelength", s_.wavelength}};
        for (const auto& [name, v] : values)
            if (std::isfinite(v) || s_.attrOverrides.count(path + ":" + name))
                a_.num(g, path, name, v);
    }

    const TcfSpec& s_;
    Attrs a_;
    hid_t file_;
};

bool tileCovers(const TcfSpec& s, const TcfTile& tile, std::size_t z, std::size_t y, std::size_t x)
{
    if (tile.samplingStep != 1)
        return false;
    const std::array<std::size_t, 3> p{z, y, x};
    for (int a = 0; a < 3; ++a) {
        const long long v = static_cast<long long>(p[a]);
        if (v < tile.offset[a] || v > tile.last[a])
            return false;
    }
    return true;
}

} // namespace

void writeTcf(const std::string& path, const TcfSpec& spec)
{
    h5::silenceErrors();
    std::lock_guard<std::recursive_mutex> lock(h5::mutex());
    // Gone from this process once written (or failed), so the reader meets a filter it lacks.
    auto unregister = [&] {
        if (spec.unavailableFilter && H5Zfilter_avail(kTcfTestFilterId) > 0)
            H5Zunregister(kTcfTestFilterId);
    };
    try {
        Handle file = checked(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), path.c_str());
        Writer(spec, file).write();
        check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush");
    } catch (...) {
        unregister();
        throw;
    }
    unregister();
}

float tcfExpectedRI(const TcfSpec& s, std::size_t t, std::size_t z, std::size_t y, std::size_t x)
{
    if (s.layout != TcfLayout::Tiled)
        return static_cast<float>(static_cast<double>(riRaw16(t, z, y, x)) / 1e4);
    bool covered = s.tiles.empty();  // generated tiles cover everything
    for (const auto& tile : s.tiles)
        covered = covered || tileCovers(s, tile, z, y, x);
    if (!covered)
        return static_cast<float>(s.riMin);
    if (s.scalarType == 1)
        return static_cast<float>(static_cast<double>(riRaw8(t, z, y, x)) / 1000.0 + s.riMin);
    return static_cast<float>(static_cast<double>(riRaw16(t, z, y, x)) / 1e4);
}

float tcfExpectedFl(const TcfSpec& s, std::size_t c, std::size_t t, std::size_t z, std::size_t y, std::size_t x)
{
    return static_cast<float>(flRaw(s.fl.at(c).uint8, c, t, z, y, x));
}

float tcfExpectedMip(const TcfSpec& s, std::size_t t, std::size_t y, std::size_t x)
{
    return static_cast<float>(static_cast<double>(mipRaw(t, y, x)) / 1e4);
}

} // namespace rfx::test
