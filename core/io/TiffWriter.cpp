#include "core/io/TiffWriter.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "core/io/AtomicFile.h"
#include "core/util/Errors.h"

// The file is laid out by hand, as ImageJ's own TiffEncoder does: first IFD, then all pixel data
// contiguously, then the remaining IFDs. ImageJ (and tifffile) read an ImageJ stack as one
// contiguous block starting at the first page's strip, so libtiff's usual interleaving of data
// and directories would be misread by them.

namespace rfx {

namespace {

// Shortest decimal that reads back as the same double, whatever the C locale.
std::string number(double v)
{
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

// The description ImageJ parses (FileOpener.decodeDescriptionString); it ignores unknown keys,
// so the value unit travels as refractome_value_unit.
std::string imageJDescription(const Volume& v, const std::string& valueUnit)
{
    const Grid& g = v.grid();
    const auto [lo, hi] = v.range();
    std::string d = "ImageJ=1.11a\n";
    d += "images=" + std::to_string(g.shape[0]) + "\n";
    if (g.shape[0] > 1)
        d += "slices=" + std::to_string(g.shape[0]) + "\n";
    d += "unit=micron\n";
    d += "spacing=" + number(g.spacing_um[0]) + "\n";
    d += "loop=false\n";
    // ImageJ origins are in pixels, positive towards the image interior.
    const char* originKeys[3] = {"zorigin", "yorigin", "xorigin"};
    for (int k = 0; k < 3; ++k)
        if (g.origin_um[k] != 0.0)
            d += std::string(originKeys[k]) + "=" + number(-g.origin_um[k] / g.spacing_um[k]) + "\n";
    d += "min=" + number(lo) + "\n";
    d += "max=" + number(hi) + "\n";
    std::string unit;
    for (char c : valueUnit)
        if (c != '\n' && c != '\r' && c != '\0')
            unit += c;
    if (!unit.empty())
        d += "refractome_value_unit=" + unit + "\n";
    return d;
}

// A TIFF RATIONAL close to x (> 0), with 32-bit numerator and denominator.
std::pair<std::uint32_t, std::uint32_t> rational(double x)
{
    constexpr double kMax = 4294967295.0;
    if (!(x > 0) || !std::isfinite(x))
        return {0, 1};
    // Exact for values with up to six decimals (1/0.1 -> 10/1), else the largest denominator.
    const double micro = x * 1e6;
    if (micro < kMax && std::fabs(micro - std::round(micro)) < 1e-6) {
        std::uint64_t num = static_cast<std::uint64_t>(std::round(micro)), den = 1000000;
        const std::uint64_t g = std::gcd(num, den);
        if (g > 0)
            return {static_cast<std::uint32_t>(num / g), static_cast<std::uint32_t>(den / g)};
    }
    if (x >= kMax)
        return {static_cast<std::uint32_t>(kMax), 1};
    const double den = std::floor(std::min(kMax, kMax / std::max(x, 1.0)));
    return {static_cast<std::uint32_t>(std::min(kMax, std::round(x * den))), static_cast<std::uint32_t>(den)};
}

// TIFF field types used here.
enum : std::uint16_t { kAscii = 2, kShort = 3, kLong = 4, kRational = 5, kLong8 = 16 };

bool hostIsLittleEndian()
{
    const std::uint16_t one = 1;
    unsigned char b;
    std::memcpy(&b, &one, 1);
    return b == 1;
}

// Builds one IFD (classic or BigTIFF) in host byte order; out-of-line values follow the entry
// table directly, so an IFD is one self-contained block at a known offset.
class IfdBuilder {
public:
    IfdBuilder(bool big, std::uint64_t offset) : big_(big), offset_(offset) {}

    void add(std::uint16_t tag, std::uint16_t type, std::uint64_t count, std::vector<unsigned char> value)
    {
        entries_.push_back({tag, type, count, std::move(value)});
    }
    void addShort(std::uint16_t tag, std::uint16_t v) { add(tag, kShort, 1, bytes(v)); }
    void addLong(std::uint16_t tag, std::uint32_t v) { add(tag, kLong, 1, bytes(v)); }
    void addOffset(std::uint16_t tag, std::uint64_t v)
    {
        if (big_)
            add(tag, kLong8, 1, bytes(v));
        else
            add(tag, kLong, 1, bytes(static_cast<std::uint32_t>(v)));
    }
    void addRational(std::uint16_t tag, double x)
    {
        const auto [n, d] = rational(x);
        std::vector<unsigned char> v = bytes(n);
        const auto dv = bytes(d);
        v.insert(v.end(), dv.begin(), dv.end());
        add(tag, kRational, 1, v);
    }
    void addAscii(std::uint16_t tag, const std::string& s)
    {
        std::vector<unsigned char> v(s.begin(), s.end());
        v.push_back(0);
        add(tag, kAscii, v.size(), v);
    }

    std::uint64_t size() const
    {
        std::uint64_t n = tableSize();
        for (const auto& e : entries_)
            if (e.value.size() > inlineBytes())
                n += (e.value.size() + 1) & ~std::uint64_t(1);  // word-aligned
        return n;
    }

    // Serialises with `next` as the following IFD's offset (0: last).
    std::vector<unsigned char> build(std::uint64_t next) const
    {
        auto sorted = entries_;  // TIFF requires ascending tags
        std::sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) { return a.tag < b.tag; });
        std::vector<unsigned char> out;
        std::vector<unsigned char> extra;
        std::uint64_t extraAt = offset_ + tableSize();
        append(out, big_ ? bytes(std::uint64_t(sorted.size())) : bytes(std::uint16_t(sorted.size())));
        for (const auto& e : sorted) {
            append(out, bytes(e.tag));
            append(out, bytes(e.type));
            append(out, big_ ? bytes(e.count) : bytes(static_cast<std::uint32_t>(e.count)));
            std::vector<unsigned char> field(inlineBytes(), 0);
            if (e.value.size() <= inlineBytes()) {
                std::copy(e.value.begin(), e.value.end(), field.begin());
            } else {
                const std::uint64_t at = extraAt + extra.size();
                field = big_ ? bytes(at) : bytes(static_cast<std::uint32_t>(at));
                append(extra, e.value);
                if (extra.size() % 2)
                    extra.push_back(0);
            }
            append(out, field);
        }
        append(out, big_ ? bytes(next) : bytes(static_cast<std::uint32_t>(next)));
        append(out, extra);
        return out;
    }

    template <class T> static std::vector<unsigned char> bytes(T v)
    {
        std::vector<unsigned char> b(sizeof(T));
        std::memcpy(b.data(), &v, sizeof(T));
        return b;
    }

private:
    struct Entry {
        std::uint16_t tag, type;
        std::uint64_t count;
        std::vector<unsigned char> value;
    };
    static void append(std::vector<unsigned char>& a, const std::vector<unsigned char>& b)
    {
        a.insert(a.end(), b.begin(), b.end());
    }
    std::size_t inlineBytes() const { return big_ ? 8 : 4; }
    std::uint64_t tableSize() const
    {
        return big_ ? 8 + 20 * entries_.size() + 8 : 2 + 12 * entries_.size() + 4;
    }

    bool big_;
    std::uint64_t offset_;
    std::vector<Entry> entries_;
};

class OutFile {
public:
    OutFile(const std::string& tempPath, const std::string& finalPath) : final_(finalPath)
    {
        f_ = std::fopen(tempPath.c_str(), "wb");
        if (!f_)
            fail("cannot create file");
    }
    ~OutFile()
    {
        if (f_)
            std::fclose(f_);
    }
    void write(const void* data, std::size_t n)
    {
        if (n && std::fwrite(data, 1, n, f_) != n)
            fail("cannot write");
        pos_ += n;
    }
    void write(const std::vector<unsigned char>& b) { write(b.data(), b.size()); }
    void padTo(std::uint64_t offset)
    {
        if (offset < pos_)
            throw std::logic_error("TIFF writer: layout error");
        const std::vector<unsigned char> zeros(static_cast<std::size_t>(offset - pos_), 0);
        write(zeros);
    }
    std::uint64_t pos() const { return pos_; }
    void close()
    {
        const bool ok = std::fflush(f_) == 0 && !std::ferror(f_);
        const int err = errno;
        const bool closed = std::fclose(f_) == 0;
        f_ = nullptr;
        if (!ok || !closed) {
            errno = ok ? errno : err;
            fail("cannot write");
        }
    }

private:
    [[noreturn]] void fail(const std::string& what)
    {
        throw std::runtime_error(final_ + ": " + what + " (" + std::strerror(errno) + ")");
    }
    std::string final_;
    std::FILE* f_ = nullptr;
    std::uint64_t pos_ = 0;
};

} // namespace

void writeImageJTiff(const std::string& path, const Volume& volume, const std::string& valueUnit)
{
    if (volume.components() != 1)
        throw inputError(path, "volume has " + std::to_string(volume.components()) +
                                   " components; TIFF export writes one scalar channel only");
    if (volume.empty() || volume.voxels() == 0)
        throw inputError(path, "volume is empty");
    const Grid& g = volume.grid();
    const std::size_t Z = g.shape[0], Y = g.shape[1], X = g.shape[2];
    constexpr std::size_t kU32 = std::numeric_limits<std::uint32_t>::max();
    if (Y > kU32 || X > kU32 || Z > kU32)
        throw inputError(path, "volume is too large for TIFF");
    for (double s : g.spacing_um)
        if (!(s > 0) || !std::isfinite(s))
            throw inputError(path, "voxel spacing must be positive and finite");

    // int32 (labels) becomes float32: ImageJ has no 32-bit integer images.
    const bool asFloat = volume.type() == VoxelType::Float32 || volume.type() == VoxelType::Int32;
    const std::uint16_t bits = asFloat ? 32 : static_cast<std::uint16_t>(8 * voxelTypeSize(volume.type()));
    const std::uint16_t sampleFormat = asFloat ? 3 /*IEEEFP*/ : 1 /*UINT*/;
    const std::size_t sliceVoxels = Y * X;
    const std::uint64_t sliceBytes = std::uint64_t(sliceVoxels) * (bits / 8);
    const std::string description = imageJDescription(volume, valueUnit);
    // Classic TIFF offsets are 32-bit; leave headroom for the directories.
    const bool big = double(sliceBytes) * double(Z) > 3.9e9;
    if (!big && sliceBytes > kU32)
        throw inputError(path, "slice too large for TIFF");

    auto makeIfd = [&](std::uint64_t offset, std::uint64_t dataOffset, bool first) {
        IfdBuilder ifd(big, offset);
        ifd.addLong(254, 0);                                  // NewSubfileType
        ifd.addLong(256, static_cast<std::uint32_t>(X));      // ImageWidth
        ifd.addLong(257, static_cast<std::uint32_t>(Y));      // ImageLength
        ifd.addShort(258, bits);                              // BitsPerSample
        ifd.addShort(259, 1);                                 // Compression: none
        ifd.addShort(262, 1);                                 // Photometric: min-is-black
        if (first)
            ifd.addAscii(270, description);                   // ImageDescription
        ifd.addOffset(273, dataOffset);                       // StripOffsets
        ifd.addShort(277, 1);                                 // SamplesPerPixel
        ifd.addLong(278, static_cast<std::uint32_t>(Y));      // RowsPerStrip: one strip
        ifd.addOffset(279, sliceBytes);                       // StripByteCounts
        // ImageJ convention: pixels per unit (micron) with ResolutionUnit NONE.
        ifd.addRational(282, 1.0 / g.spacing_um[2]);          // XResolution
        ifd.addRational(283, 1.0 / g.spacing_um[1]);          // YResolution
        ifd.addShort(296, 1);                                 // ResolutionUnit: none
        ifd.addAscii(305, "Refractome");                      // Software
        ifd.addShort(339, sampleFormat);                      // SampleFormat
        return ifd;
    };

    AtomicFile atomic(path);
    {
        OutFile out(atomic.tempPath(), path);
        const std::uint64_t headerSize = big ? 16 : 8;
        const std::uint64_t ifd0At = headerSize;
        const IfdBuilder sizing0 = makeIfd(ifd0At, 0, true);
        const std::uint64_t dataAt = (ifd0At + sizing0.size() + 15) & ~std::uint64_t(15);
        const std::uint64_t dataEnd = dataAt + sliceBytes * Z;
        // Later IFDs all have the same size; compute it once.
        const std::uint64_t laterIfdSize = makeIfd(0, 0, false).size();
        auto ifdAt = [&](std::size_t z) { return z == 0 ? ifd0At : ((dataEnd + 1) & ~std::uint64_t(1)) + (z - 1) * laterIfdSize; };
        auto nextOf = [&](std::size_t z) { return z + 1 < Z ? ifdAt(z + 1) : std::uint64_t(0); };

        // Header: byte order mark, version, first IFD offset.
        const char* order = hostIsLittleEndian() ? "II" : "MM";
        out.write(order, 2);
        if (big) {
            out.write(IfdBuilder::bytes(std::uint16_t(43)));
            out.write(IfdBuilder::bytes(std::uint16_t(8)));
            out.write(IfdBuilder::bytes(std::uint16_t(0)));
            out.write(IfdBuilder::bytes(ifd0At));
        } else {
            out.write(IfdBuilder::bytes(std::uint16_t(42)));
            out.write(IfdBuilder::bytes(static_cast<std::uint32_t>(ifd0At)));
        }
        out.write(makeIfd(ifd0At, dataAt, true).build(nextOf(0)));
        out.padTo(dataAt);

        std::vector<float> converted(volume.type() == VoxelType::Int32 ? sliceVoxels : 0);
        const auto* bytes = static_cast<const unsigned char*>(volume.raw());
        for (std::size_t z = 0; z < Z; ++z) {
            const void* slice = bytes + z * sliceVoxels * voxelTypeSize(volume.type());
            if (volume.type() == VoxelType::Int32) {
                const auto* src = static_cast<const std::int32_t*>(slice);
                for (std::size_t i = 0; i < sliceVoxels; ++i)
                    converted[i] = static_cast<float>(src[i]);
                slice = converted.data();
            }
            out.write(slice, static_cast<std::size_t>(sliceBytes));
        }
        for (std::size_t z = 1; z < Z; ++z) {
            out.padTo(ifdAt(z));
            out.write(makeIfd(ifdAt(z), dataAt + z * sliceBytes, false).build(nextOf(z)));
        }
        out.close();
    }
    atomic.commit();
}

} // namespace rfx
