#include "core/io/TiffReader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include "core/io/TiffSupport.h"
#include "core/util/Errors.h"

namespace rfx {

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------
// Small text helpers (locale-independent: the GUI may run under a decimal-comma locale).

std::string trim(const std::string& s)
{
    std::size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a])))
        ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1])))
        --b;
    return s.substr(a, b - a);
}

std::string lower(std::string s)
{
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::optional<double> parseDouble(const std::string& text)
{
    const std::string s = trim(text);
    const char* first = s.data();
    if (!s.empty() && s[0] == '+')
        ++first;
    double v = 0;
    auto [ptr, ec] = std::from_chars(first, s.data() + s.size(), v);
    if (ec != std::errc() || ptr == first || !std::isfinite(v))
        return std::nullopt;
    return v;
}

// Positive whole count (ImageJ images=, OME SizeZ=, ...); nullopt when absent or malformed.
std::optional<std::size_t> parseCount(const std::string& text)
{
    const std::string s = trim(text);
    unsigned long long v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || s.empty())
        return std::nullopt;
    return static_cast<std::size_t>(v);
}

// Micrometres per one `unit`; nullopt for units that are not lengths (or unknown ones).
std::optional<double> lengthUnitToMicron(const std::string& unitIn)
{
    std::string u = trim(unitIn);
    // ImageJ escapes non-ASCII characters as \u00B5; OME uses UTF-8 µ (micro sign or Greek mu).
    for (const char* micro : {"\\u00B5", "\\u00b5", "\xC2\xB5", "\xCE\xBC"}) {
        const std::size_t p = u.find(micro);
        if (p != std::string::npos)
            u.replace(p, std::strlen(micro), "u");
    }
    u = lower(u);
    if (u == "um" || u == "micron" || u == "microns" || u == "micrometer" || u == "micrometre")
        return 1.0;
    if (u == "nm" || u == "nanometer" || u == "nanometre")
        return 1e-3;
    if (u == "mm" || u == "millimeter" || u == "millimetre")
        return 1e3;
    if (u == "cm" || u == "centimeter" || u == "centimetre")
        return 1e4;
    if (u == "m" || u == "meter" || u == "metre")
        return 1e6;
    if (u == "inch" || u == "in")
        return 25400.0;
    if (u == "\xC3\x85" || u == "\xE2\x84\xAB" || u == "angstrom")
        return 1e-4;
    return std::nullopt;
}

std::optional<double> timeUnitToSeconds(const std::string& unitIn)
{
    std::string u = lower(trim(unitIn));
    if (u.empty() || u == "s" || u == "sec" || u == "second" || u == "seconds")
        return 1.0;
    if (u == "ms" || u == "msec")
        return 1e-3;
    if (u == "min" || u == "minute" || u == "minutes")
        return 60.0;
    if (u == "h" || u == "hr" || u == "hour" || u == "hours")
        return 3600.0;
    if (u == "\\u00b5s" || u == "\xC2\xB5s" || u == "\xCE\xBCs" || u == "us")
        return 1e-6;
    return std::nullopt;
}

// Spacing values come through TIFF rationals that libtiff hands out as float; 7 significant
// digits is what float carries, so 0.29297 stays 0.29297 rather than 0.292970001.
double roundToFloatPrecision(double v)
{
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 7);
    double r = v;
    std::from_chars(buf, end, r);
    return r;
}

// "slice_10" after "slice_2": digit runs compare by value, the rest case-insensitively.
bool naturalLess(const std::string& a, const std::string& b)
{
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        const bool da = std::isdigit(static_cast<unsigned char>(a[i]));
        const bool db = std::isdigit(static_cast<unsigned char>(b[j]));
        if (da && db) {
            std::size_t ie = i, je = j;
            while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie])))
                ++ie;
            while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je])))
                ++je;
            std::size_t is = i, js = j;  // skip leading zeros
            while (is + 1 < ie && a[is] == '0')
                ++is;
            while (js + 1 < je && b[js] == '0')
                ++js;
            if (ie - is != je - js)
                return ie - is < je - js;
            const int c = a.compare(is, ie - is, b, js, je - js);
            if (c != 0)
                return c < 0;
            i = ie;
            j = je;
        } else {
            const int ca = std::tolower(static_cast<unsigned char>(a[i]));
            const int cb = std::tolower(static_cast<unsigned char>(b[j]));
            if (ca != cb)
                return ca < cb;
            ++i;
            ++j;
        }
    }
    if ((a.size() - i) != (b.size() - j))
        return (a.size() - i) < (b.size() - j);
    return a < b;  // stable tie-break (e.g. differing case or zero padding)
}

// ---------------------------------------------------------------------------------------------
// Minimal XML attribute scanning for OME-XML: start tags by local name (namespace prefixes
// such as "ome:" ignored), attributes with entity decoding. No validation, no DTDs.

struct XmlTag {
    std::size_t pos = 0;
    std::map<std::string, std::string> attrs;
    std::string attr(const std::string& k) const
    {
        auto it = attrs.find(k);
        return it == attrs.end() ? std::string() : it->second;
    }
};

std::string xmlDecode(const std::string& s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        const std::size_t semi = s.find(';', i);
        if (semi == std::string::npos || semi - i > 10) {
            out += s[i];
            continue;
        }
        const std::string ent = s.substr(i + 1, semi - i - 1);
        if (ent == "amp")
            out += '&';
        else if (ent == "lt")
            out += '<';
        else if (ent == "gt")
            out += '>';
        else if (ent == "quot")
            out += '"';
        else if (ent == "apos")
            out += '\'';
        else if (!ent.empty() && ent[0] == '#') {
            unsigned long cp = 0;
            const bool hex = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X');
            const char* b = ent.data() + (hex ? 2 : 1);
            auto [p, ec] = std::from_chars(b, ent.data() + ent.size(), cp, hex ? 16 : 10);
            if (ec != std::errc() || cp == 0 || cp > 0x10FFFF) {
                out += s.substr(i, semi - i + 1);
            } else if (cp < 0x80) {  // encode as UTF-8
                out += static_cast<char>(cp);
            } else if (cp < 0x800) {
                out += static_cast<char>(0xC0 | (cp >> 6));
                out += static_cast<char>(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                out += static_cast<char>(0xE0 | (cp >> 12));
                out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                out += static_cast<char>(0x80 | (cp & 0x3F));
            } else {
                out += static_cast<char>(0xF0 | (cp >> 18));
                out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
                out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                out += static_cast<char>(0x80 | (cp & 0x3F));
            }
        } else {
            out += s.substr(i, semi - i + 1);
        }
        i = semi;
    }
    return out;
}

std::vector<XmlTag> findXmlTags(const std::string& xml, const std::string& localName, std::size_t from = 0,
                                std::size_t to = std::string::npos, std::size_t maxCount = 100000)
{
    std::vector<XmlTag> tags;
    to = std::min(to, xml.size());
    std::size_t i = from;
    auto isNameChar = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '_' || c == '-' || c == '.';
    };
    while (tags.size() < maxCount) {
        i = xml.find('<', i);
        if (i == std::string::npos || i >= to)
            break;
        std::size_t p = i + 1;
        if (p < xml.size() && (xml[p] == '/' || xml[p] == '?' || xml[p] == '!')) {
            i = p;
            continue;
        }
        std::size_t ne = p;
        while (ne < xml.size() && isNameChar(xml[ne]))
            ++ne;
        std::string name = xml.substr(p, ne - p);
        const std::size_t colon = name.rfind(':');
        if (colon != std::string::npos)
            name = name.substr(colon + 1);
        if (name != localName) {
            i = ne;
            continue;
        }
        XmlTag tag;
        tag.pos = i;
        p = ne;
        while (p < xml.size()) {
            while (p < xml.size() && std::isspace(static_cast<unsigned char>(xml[p])))
                ++p;
            if (p >= xml.size() || xml[p] == '>' || xml[p] == '/')
                break;
            std::size_t ae = p;
            while (ae < xml.size() && isNameChar(xml[ae]))
                ++ae;
            if (ae == p)
                break;  // malformed: stop reading this tag's attributes
            std::string key = xml.substr(p, ae - p);
            const std::size_t kc = key.rfind(':');
            if (kc != std::string::npos && key.compare(0, kc, "xmlns") != 0)
                key = key.substr(kc + 1);
            p = ae;
            while (p < xml.size() && std::isspace(static_cast<unsigned char>(xml[p])))
                ++p;
            if (p >= xml.size() || xml[p] != '=')
                continue;
            ++p;
            while (p < xml.size() && std::isspace(static_cast<unsigned char>(xml[p])))
                ++p;
            if (p >= xml.size() || (xml[p] != '"' && xml[p] != '\''))
                break;
            const char q = xml[p];
            const std::size_t ve = xml.find(q, p + 1);
            if (ve == std::string::npos)
                break;
            tag.attrs[key] = xmlDecode(xml.substr(p + 1, ve - p - 1));
            p = ve + 1;
        }
        tags.push_back(std::move(tag));
        i = p;
    }
    return tags;
}

// ---------------------------------------------------------------------------------------------
// Page format and decoding.

struct PageFormat {
    std::uint32_t width = 0, height = 0;
    std::uint16_t bits = 0;
    std::uint16_t sampleFormat = SAMPLEFORMAT_UINT;
    bool operator==(const PageFormat& o) const
    {
        return width == o.width && height == o.height && bits == o.bits && sampleFormat == o.sampleFormat;
    }
    bool operator!=(const PageFormat& o) const { return !(*this == o); }
    std::string describe() const
    {
        const char* kind = sampleFormat == SAMPLEFORMAT_IEEEFP ? "float"
                           : sampleFormat == SAMPLEFORMAT_INT  ? "int"
                                                               : "uint";
        return std::to_string(width) + "x" + std::to_string(height) + " " + kind + std::to_string(bits);
    }
    // uint8/uint16 stay as stored; everything else becomes float32.
    VoxelType voxelType() const
    {
        if (sampleFormat == SAMPLEFORMAT_UINT && bits == 8)
            return VoxelType::UInt8;
        if (sampleFormat == SAMPLEFORMAT_UINT && bits == 16)
            return VoxelType::UInt16;
        return VoxelType::Float32;
    }
};

// Reads and validates the pixel format of the current directory; throws InputError naming `where`.
PageFormat readPageFormat(TIFF* tif, const std::string& where)
{
    PageFormat f;
    std::uint16_t spp = 1, photometric = PHOTOMETRIC_MINISBLACK, planar = PLANARCONFIG_CONTIG;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &f.width);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &f.height);
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &f.bits);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &f.sampleFormat);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
    if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photometric))
        photometric = PHOTOMETRIC_MINISBLACK;
    if (f.sampleFormat == SAMPLEFORMAT_VOID)
        f.sampleFormat = SAMPLEFORMAT_UINT;

    if (f.width == 0 || f.height == 0)
        throw InputError(where + ": empty page (" + std::to_string(f.width) + "x" + std::to_string(f.height) + ")");
    if (spp != 1)
        throw InputError(where + ": " + std::to_string(spp) +
                         " samples per pixel (RGB or multi-sample images are not supported; save channels as "
                         "separate grayscale pages)");
    if (photometric != PHOTOMETRIC_MINISBLACK && photometric != PHOTOMETRIC_MINISWHITE &&
        photometric != PHOTOMETRIC_PALETTE)
        throw InputError(where + ": unsupported photometric interpretation " + std::to_string(photometric) +
                         " (only grayscale images are supported)");
    if (f.bits != 8 && f.bits != 16 && f.bits != 32)
        throw InputError(where + ": " + std::to_string(f.bits) +
                         "-bit samples are not supported (8, 16 or 32 bits per sample)");
    if (f.sampleFormat != SAMPLEFORMAT_UINT && f.sampleFormat != SAMPLEFORMAT_INT &&
        f.sampleFormat != SAMPLEFORMAT_IEEEFP)
        throw InputError(where + ": unsupported sample format " + std::to_string(f.sampleFormat));
    if (f.sampleFormat == SAMPLEFORMAT_IEEEFP && f.bits != 32)
        throw InputError(where + ": " + std::to_string(f.bits) + "-bit floating point is not supported");
    return f;
}

bool isReducedImage(TIFF* tif)
{
    std::uint32_t subfile = 0;
    return TIFFGetField(tif, TIFFTAG_SUBFILETYPE, &subfile) && (subfile & FILETYPE_REDUCEDIMAGE);
}

template <class S> void convertToFloat(const unsigned char* src, float* dst, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) {
        S v;
        std::memcpy(&v, src + i * sizeof(S), sizeof(S));
        dst[i] = static_cast<float>(v);
    }
}

// Decodes the current directory (format `f`, already validated) into `dst`, which holds
// width*height voxels of f.voxelType(). Strips or tiles, any codec libtiff has.
void decodePage(tiffio::Handle& h, const PageFormat& f, void* dst, const std::string& where)
{
    TIFF* tif = h.get();
    const std::size_t bps = f.bits / 8;
    const std::size_t w = f.width, ht = f.height;
    const std::size_t rowBytes = w * bps;
    const std::size_t pageBytes = rowBytes * ht;
    // uint8, uint16 and float32 decode straight into the volume; other kinds go through a copy.
    const bool direct = f.sampleFormat == SAMPLEFORMAT_IEEEFP || f.voxelType() != VoxelType::Float32;
    std::vector<unsigned char> staging;
    unsigned char* buf = static_cast<unsigned char*>(dst);
    if (!direct) {
        staging.resize(pageBytes);
        buf = staging.data();
    }
    auto fail = [&](const std::string& problem) {
        throw InputError(where + ": " + tiffio::withDetail(problem, h.error()));
    };
    h.clearError();

    if (TIFFIsTiled(tif)) {
        std::uint32_t tw = 0, th = 0;
        TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
        TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
        if (tw == 0 || th == 0)
            fail("invalid tile size");
        const std::uint64_t tileBytes = std::uint64_t(tw) * th * bps;
        if (tileBytes > (std::uint64_t(1) << 30) || TIFFTileSize64(tif) != tileBytes)
            fail("unsupported tile size " + std::to_string(tw) + "x" + std::to_string(th));
        const std::uint64_t tilesAcross = (w + tw - 1) / tw, tilesDown = (ht + th - 1) / th;
        if (TIFFNumberOfTiles(tif) < tilesAcross * tilesDown)
            fail("tile table is too short");
        std::vector<unsigned char> tile(static_cast<std::size_t>(tileBytes));
        for (std::uint32_t y = 0; y < ht; y += th) {
            for (std::uint32_t x = 0; x < w; x += tw) {
                const std::uint32_t index = TIFFComputeTile(tif, x, y, 0, 0);
                const tmsize_t got = TIFFReadEncodedTile(tif, index, tile.data(), static_cast<tmsize_t>(tileBytes));
                if (got != static_cast<tmsize_t>(tileBytes))
                    fail("truncated or corrupt data in tile " + std::to_string(index));
                const std::size_t rows = std::min<std::size_t>(th, ht - y);
                const std::size_t cols = std::min<std::size_t>(tw, w - x);
                for (std::size_t r = 0; r < rows; ++r)
                    std::memcpy(buf + ((y + r) * w + x) * bps, tile.data() + r * tw * bps, cols * bps);
            }
        }
    } else {
        std::uint32_t rps = 0;
        TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
        if (rps == 0 || rps > ht)
            rps = static_cast<std::uint32_t>(ht);
        const std::uint32_t strips = static_cast<std::uint32_t>((ht + rps - 1) / rps);
        if (TIFFNumberOfStrips(tif) < strips)
            fail("strip table is too short");
        for (std::uint32_t s = 0; s < strips; ++s) {
            const std::size_t row0 = std::size_t(s) * rps;
            const std::size_t rows = std::min<std::size_t>(rps, ht - row0);
            const tmsize_t want = static_cast<tmsize_t>(rows * rowBytes);
            const tmsize_t got = TIFFReadEncodedStrip(tif, s, buf + row0 * rowBytes, want);
            if (got != want)
                fail("truncated or corrupt data in strip " + std::to_string(s));
        }
    }

    if (direct)
        return;
    float* out = static_cast<float*>(dst);
    const std::size_t n = w * ht;
    if (f.sampleFormat == SAMPLEFORMAT_INT) {
        if (f.bits == 8)
            convertToFloat<std::int8_t>(buf, out, n);
        else if (f.bits == 16)
            convertToFloat<std::int16_t>(buf, out, n);
        else
            convertToFloat<std::int32_t>(buf, out, n);
    } else {
        convertToFloat<std::uint32_t>(buf, out, n);  // the only unsigned kind that is not direct
    }
}

// ---------------------------------------------------------------------------------------------
// Layout: which page holds (channel, z, time).

struct PageRef {
    std::size_t file = 0;     // index into files
    std::uint64_t ifd = 0;    // IFD offset of the page (0: the file's first directory)
    std::size_t number = 0;   // page number within its file, for messages
};

struct Layout {
    std::size_t C = 1, Z = 1, T = 1;
    std::size_t strideC = 1, strideZ = 1, strideT = 1;  // page index = c*sC + z*sZ + t*sT
    std::size_t page(std::size_t c, std::size_t z, std::size_t t) const { return c * strideC + z * strideZ + t * strideT; }
    std::size_t planes() const { return C * Z * T; }
};

// Strides from a fastest-to-slowest order such as "CZT" (ImageJ) or the tail of OME's "XYZCT".
Layout makeLayout(std::size_t C, std::size_t Z, std::size_t T, const std::string& order)
{
    Layout l;
    l.C = C;
    l.Z = Z;
    l.T = T;
    std::size_t stride = 1;
    for (char d : order) {
        if (d == 'C') {
            l.strideC = stride;
            stride *= C;
        } else if (d == 'Z') {
            l.strideZ = stride;
            stride *= Z;
        } else {
            l.strideT = stride;
            stride *= T;
        }
    }
    return l;
}

class TiffFrameSource : public FrameSource {
public:
    TiffFrameSource(std::vector<std::string> files, std::vector<PageRef> pages, Layout layout, PageFormat format,
                    Grid grid)
        : files_(std::move(files)), pages_(std::move(pages)), layout_(layout), format_(format), grid_(grid)
    {
    }

    Volume readFrame(std::size_t channel, std::size_t frame) const override
    {
        if (channel >= layout_.C || frame >= layout_.T)
            throw inputError(files_.front(), "no frame " + std::to_string(frame) + " of channel " +
                                                 std::to_string(channel));
        Volume v(grid_, format_.voxelType());
        const std::size_t sliceBytes = grid_.shape[1] * grid_.shape[2] * voxelTypeSize(v.type());
        auto* out = static_cast<unsigned char*>(v.raw());
        // libtiff handles are not thread-safe: every read opens its own.
        std::unique_ptr<tiffio::Handle> h;
        std::size_t openFile = files_.size();
        for (std::size_t z = 0; z < layout_.Z; ++z) {
            const PageRef& ref = pages_.at(layout_.page(channel, z, frame));
            const std::string& path = files_[ref.file];
            if (ref.file != openFile) {
                h.reset();
                h = std::make_unique<tiffio::Handle>(path, "rm");
                if (!h->ok())
                    throw inputError(path, tiffio::withDetail("cannot open TIFF", h->error()));
                openFile = ref.file;
            }
            const std::string where = path + ": page " + std::to_string(ref.number);
            if (ref.ifd != 0 && TIFFCurrentDirOffset(h->get()) != ref.ifd) {
                h->clearError();
                if (!TIFFSetSubDirectory(h->get(), ref.ifd))
                    throw InputError(where + ": " + tiffio::withDetail("cannot read page", h->error()));
            }
            // The file may have changed since it was opened: never trust the old format blindly.
            if (readPageFormat(h->get(), where) != format_)
                throw InputError(where + ": page format changed since the file was opened");
            decodePage(*h, format_, out + z * sliceBytes, where);
        }
        return v;
    }

private:
    std::vector<std::string> files_;
    std::vector<PageRef> pages_;
    Layout layout_;
    PageFormat format_;
    Grid grid_;
};

// ---------------------------------------------------------------------------------------------
// Metadata from the first page.

struct FirstPageMeta {
    std::string description;
    float xres = 0, yres = 0;
    std::uint16_t resUnit = RESUNIT_NONE;
};

FirstPageMeta readFirstPageMeta(TIFF* tif)
{
    FirstPageMeta m;
    char* desc = nullptr;
    if (TIFFGetField(tif, TIFFTAG_IMAGEDESCRIPTION, &desc) && desc)
        m.description = desc;
    TIFFGetField(tif, TIFFTAG_XRESOLUTION, &m.xres);
    TIFFGetField(tif, TIFFTAG_YRESOLUTION, &m.yres);
    TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &m.resUnit);
    return m;
}

std::map<std::string, std::string> parseImageJDescription(const std::string& d)
{
    std::map<std::string, std::string> kv;
    std::size_t i = 0;
    while (i < d.size()) {
        std::size_t e = d.find('\n', i);
        if (e == std::string::npos)
            e = d.size();
        const std::string line = d.substr(i, e - i);
        const std::size_t eq = line.find('=');
        if (eq != std::string::npos)
            kv.emplace(trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
        i = e + 1;
    }
    return kv;
}

bool isImageJ(const std::string& d) { return d.rfind("ImageJ=", 0) == 0; }
bool isOme(const std::string& d)
{
    return d.find("<OME") != std::string::npos || d.find(":OME") != std::string::npos;
}

// What openTiff has worked out before building the dataset.
struct StackInfo {
    std::string format = "tiff";
    Layout layout;
    std::array<double, 3> spacing{1.0, 1.0, 1.0};  // z, y, x in µm
    std::array<double, 3> origin{0.0, 0.0, 0.0};
    std::vector<double> times;
    std::vector<std::string> channelNames;  // empty entries: use defaults
    std::string valueUnit;                  // from our own writer
    std::map<std::string, std::string> metadata;
};

// x/y spacing from the resolution tags: ImageJ stores pixels per `unit` (ResolutionUnit NONE);
// other writers use ResolutionUnit inch/centimetre.
void applyResolution(const FirstPageMeta& m, std::optional<double> unitToMicron, StackInfo& s)
{
    std::optional<double> perUnit = unitToMicron;
    if (m.resUnit == RESUNIT_CENTIMETER)
        perUnit = 1e4;
    else if (m.resUnit == RESUNIT_INCH && !unitToMicron)
        perUnit = 25400.0;  // ImageJ writes INCH only for inch-calibrated images; plain TIFFs use it for dpi
    if (!perUnit)
        return;
    if (m.xres > 0 && std::isfinite(m.xres))
        s.spacing[2] = roundToFloatPrecision(1.0 / m.xres) * *perUnit;
    if (m.yres > 0 && std::isfinite(m.yres))
        s.spacing[1] = roundToFloatPrecision(1.0 / m.yres) * *perUnit;
    else
        s.spacing[1] = s.spacing[2];
}

using KeyValues = std::map<std::string, std::string>;

std::string valueOf(const KeyValues& kv, const char* key)
{
    auto it = kv.find(key);
    return it == kv.end() ? std::string() : it->second;
}

// Spacing, origin and value unit from an ImageJ description.
void parseImageJCalibration(const FirstPageMeta& m, const KeyValues& kv, StackInfo& s)
{
    auto get = [&](const char* k) { return valueOf(kv, k); };
    s.metadata["imagej.version"] = get("ImageJ");
    const std::string unit = get("unit");
    std::optional<double> toMicron = unit.empty() ? std::nullopt : lengthUnitToMicron(unit);
    if (!unit.empty())
        s.metadata["imagej.unit"] = unit;
    applyResolution(m, toMicron, s);
    const double f = toMicron.value_or(1.0);
    if (auto sp = parseDouble(get("spacing")); sp && *sp != 0)
        s.spacing[0] = std::fabs(*sp) * f;
    else if (toMicron)
        s.spacing[0] = f;  // ImageJ's default voxel depth is 1 unit
    // ImageJ origins are in pixels: the calibrated position of pixel i is (i - origin) * size.
    const char* originKeys[3] = {"zorigin", "yorigin", "xorigin"};
    for (int d = 0; d < 3; ++d)
        if (auto o = parseDouble(get(originKeys[d])))
            s.origin[d] = -*o * s.spacing[d];
    s.valueUnit = get("refractome_value_unit");
}

// Fills `s` from an ImageJ description for a file with `pages` usable pages.
void parseImageJ(const std::string& path, const FirstPageMeta& m, std::size_t pages, StackInfo& s)
{
    const KeyValues kv = parseImageJDescription(m.description);
    auto get = [&](const char* k) { return valueOf(kv, k); };
    s.format = "imagej-tiff";
    std::size_t C = parseCount(get("channels")).value_or(1);
    std::size_t Z = parseCount(get("slices")).value_or(1);
    std::size_t T = parseCount(get("frames")).value_or(1);
    const std::size_t images = parseCount(get("images")).value_or(pages);
    if (C == 0 || Z == 0 || T == 0 || images == 0)
        throw inputError(path, "ImageJ description declares an empty stack");
    if (C == 1 && Z == 1 && T == 1 && images > 1)
        Z = images;  // plain ImageJ stack: images= only
    if (images > pages && pages == 1)
        throw inputError(path, "ImageJ stack declares " + std::to_string(images) +
                                   " images but the file holds one TIFF page: ImageJ's >4 GB raw layout is not "
                                   "supported (re-save as OME-TIFF or BigTIFF)");
    // Each factor is at most `pages`, so the products below cannot overflow.
    if (C > pages || Z > pages || T > pages || C * Z > pages || C * Z * T > pages)
        throw inputError(path, "ImageJ description declares " + std::to_string(C) + " channels x " +
                                   std::to_string(Z) + " slices x " + std::to_string(T) + " frames but the file has " +
                                   std::to_string(pages) + " pages (truncated file?)");
    s.layout = makeLayout(C, Z, T, "CZT");
    parseImageJCalibration(m, kv, s);

    double dt = 1.0;
    if (auto fi = parseDouble(get("finterval")); fi && *fi > 0)
        dt = *fi * timeUnitToSeconds(get("tunit")).value_or(1.0);
    s.times.resize(T);
    for (std::size_t t = 0; t < T; ++t)
        s.times[t] = dt * static_cast<double>(t);
}

void parseOme(const std::string& path, const FirstPageMeta& m, std::size_t pages, const PageFormat& fmt,
              StackInfo& s)
{
    const std::string& xml = m.description;
    const auto pixels = findXmlTags(xml, "Pixels", 0, std::string::npos, 2);
    if (pixels.empty())
        throw inputError(path, "OME-XML without a Pixels element");
    const XmlTag& px = pixels.front();
    s.format = "ome-tiff";
    auto count = [&](const char* k) -> std::size_t {
        const std::string v = px.attr(k);
        if (v.empty())
            return 1;
        auto n = parseCount(v);
        if (!n || *n == 0)
            throw inputError(path, std::string("OME-XML has an invalid ") + k + " '" + v + "'");
        return *n;
    };
    const std::size_t X = count("SizeX"), Y = count("SizeY");
    const std::size_t Z = count("SizeZ"), C = count("SizeC"), T = count("SizeT");
    if (X != fmt.width || Y != fmt.height)
        throw inputError(path, "OME-XML size " + std::to_string(X) + "x" + std::to_string(Y) +
                                   " disagrees with the TIFF pages (" + std::to_string(fmt.width) + "x" +
                                   std::to_string(fmt.height) + ")");
    std::string order = px.attr("DimensionOrder");
    if (order.empty())
        order = "XYZCT";
    std::string tail = order.size() == 5 && order.compare(0, 2, "XY") == 0 ? order.substr(2) : std::string();
    std::string sorted = tail;
    std::sort(sorted.begin(), sorted.end());
    if (sorted != "CTZ")
        throw inputError(path, "OME-XML has an invalid DimensionOrder '" + order + "'");
    // Guard the product against overflow before comparing with the page count.
    if (C > pages || Z > pages || T > pages || C * Z > pages || C * Z * T > pages)
        throw inputError(path, "OME-XML declares " + std::to_string(Z) + " z x " + std::to_string(C) + " c x " +
                                   std::to_string(T) + " t planes but the file has " + std::to_string(pages) +
                                   " pages (multi-file OME-TIFF is not supported)");
    s.layout = makeLayout(C, Z, T, tail);
    s.metadata["ome.DimensionOrder"] = order;

    auto physical = [&](const char* sizeKey, const char* unitKey) -> std::optional<double> {
        auto v = parseDouble(px.attr(sizeKey));
        if (!v || *v <= 0)
            return std::nullopt;
        const std::string unit = px.attr(unitKey);
        auto f = unit.empty() ? std::optional<double>(1.0) : lengthUnitToMicron(unit);
        if (!f) {
            s.metadata[std::string("ome.") + unitKey] = unit;  // unknown unit: keep the number
            f = 1.0;
        }
        return *v * *f;
    };
    if (auto v = physical("PhysicalSizeX", "PhysicalSizeXUnit"))
        s.spacing[2] = *v;
    if (auto v = physical("PhysicalSizeY", "PhysicalSizeYUnit"))
        s.spacing[1] = *v;
    else
        s.spacing[1] = s.spacing[2];
    if (auto v = physical("PhysicalSizeZ", "PhysicalSizeZUnit"))
        s.spacing[0] = *v;

    double dt = 1.0;
    if (auto ti = parseDouble(px.attr("TimeIncrement")); ti && *ti > 0)
        dt = *ti * timeUnitToSeconds(px.attr("TimeIncrementUnit")).value_or(1.0);
    s.times.resize(T);
    for (std::size_t t = 0; t < T; ++t)
        s.times[t] = dt * static_cast<double>(t);

    // Channels are children of this Pixels element: stop at the next Pixels, if any.
    const std::size_t end = pixels.size() > 1 ? pixels[1].pos : std::string::npos;
    const auto channels = findXmlTags(xml, "Channel", px.pos, end, C);
    s.channelNames.assign(C, "");
    for (std::size_t c = 0; c < channels.size() && c < C; ++c)
        s.channelNames[c] = trim(channels[c].attr("Name"));
}

// Decides role and unit of one channel from a cheap sample (its first page) for float data.
void assignRole(ChannelInfo& ch, const std::string& valueUnit, const Volume* firstPage)
{
    if (!valueUnit.empty()) {
        ch.unit = valueUnit;
        ch.role = valueUnit == "RI" ? ChannelRole::RefractiveIndex : ChannelRole::MeasuredFluorescence;
        return;
    }
    ch.role = ChannelRole::MeasuredFluorescence;
    ch.unit = "a.u.";
    if (!firstPage || firstPage->type() != VoxelType::Float32)
        return;
    // RI tomograms: every finite value within [1.2, 1.8] (medium ~1.33, cells up to ~1.45).
    const float* p = firstPage->data<float>();
    std::size_t finite = 0;
    for (std::size_t i = 0, n = firstPage->voxels(); i < n; ++i) {
        if (!std::isfinite(p[i]))
            continue;
        if (p[i] < 1.2f || p[i] > 1.8f)
            return;
        ++finite;
    }
    if (finite > 0) {
        ch.role = ChannelRole::RefractiveIndex;
        ch.unit = "RI";
    }
}

std::string stemOf(const std::string& path)
{
    fs::path p(path);
    if (!p.has_filename())
        p = p.parent_path();  // "folder/"
    return p.stem().string();
}

bool hasTiffExtension(const fs::path& p)
{
    const std::string ext = lower(p.extension().string());
    return ext == ".tif" || ext == ".tiff";
}

// Builds the dataset once files, pages and metadata are known.
DatasetPtr buildDataset(const std::string& displayPath, const std::string& defaultName,
                        std::vector<std::string> files, std::vector<PageRef> pages, const PageFormat& fmt,
                        StackInfo s)
{
    Grid grid;
    grid.shape = {s.layout.Z, fmt.height, fmt.width};
    grid.spacing_um = s.spacing;
    grid.origin_um = s.origin;
    checkAllocatable(grid.shape, fmt.voxelType(), 1, displayPath);

    auto source = std::make_shared<TiffFrameSource>(files, pages, s.layout, fmt, grid);

    DatasetInfo info;
    info.path = displayPath;
    info.format = s.format;
    info.metadata = std::move(s.metadata);
    info.metadata["tiff.pages"] = std::to_string(pages.size());
    for (std::size_t c = 0; c < s.layout.C; ++c) {
        ChannelInfo ch;
        std::string name = c < s.channelNames.size() ? s.channelNames[c] : std::string();
        if (name.empty())
            name = s.layout.C == 1 ? defaultName : "ch" + std::to_string(c);
        // Names must be unique within a dataset.
        for (const auto& other : info.channels)
            if (other.name == name)
                name += "_" + std::to_string(c);
        ch.name = name;
        ch.grid = grid;
        ch.times_s = s.times;
        if (ch.times_s.size() != s.layout.T) {
            ch.times_s.resize(s.layout.T);
            for (std::size_t t = 0; t < s.layout.T; ++t)
                ch.times_s[t] = static_cast<double>(t);
        }
        std::optional<Volume> sample;
        if (fmt.sampleFormat == SAMPLEFORMAT_IEEEFP && s.valueUnit.empty()) {
            // Decode this channel's first page only (one slice) to tell RI from fluorescence.
            Grid one = grid;
            one.shape[0] = 1;
            Layout single = s.layout;
            single.Z = 1;
            TiffFrameSource probe(files, pages, single, fmt, one);
            sample = probe.readFrame(c, 0);
        }
        assignRole(ch, s.valueUnit, sample ? &*sample : nullptr);
        ch.display = defaultDisplayFor(ch.name, ch.role);
        info.channels.push_back(std::move(ch));
    }
    return std::make_shared<const Dataset>(std::move(info), std::move(source));
}

DatasetPtr openTiffFile(const std::string& path)
{
    tiffio::Handle h(path, "rm");
    if (!h.ok())
        throw inputError(path, tiffio::withDetail("not a readable TIFF file", h.error()));
    TIFF* tif = h.get();
    const FirstPageMeta meta = readFirstPageMeta(tif);

    // Walk the main IFD chain once: validates every page and records where each one starts.
    std::vector<PageRef> pages;
    std::optional<PageFormat> fmt;
    constexpr std::size_t kMaxPages = 1000000;
    std::size_t number = 0;
    do {
        const std::string where = path + ": page " + std::to_string(number);
        if (number > 0 && isReducedImage(tif)) {  // thumbnails interleaved in the chain (e.g. LSM)
            ++number;
            continue;
        }
        const PageFormat f = readPageFormat(tif, where);
        if (!fmt)
            fmt = f;
        else if (f != *fmt)
            throw InputError(where + ": is " + f.describe() + " but page 0 is " + fmt->describe() +
                             " (all pages of a stack must have the same size and type)");
        pages.push_back({0, TIFFCurrentDirOffset(tif), number});
        if (pages.size() > kMaxPages)
            throw inputError(path, "more than " + std::to_string(kMaxPages) + " pages");
        ++number;
        h.clearError();
    } while (TIFFReadDirectory(tif));
    if (!h.error().empty())
        throw InputError(path + ": page " + std::to_string(number) + ": " +
                         tiffio::withDetail("cannot read page directory", h.error()));
    h.close();

    StackInfo s;
    s.layout = makeLayout(1, pages.size(), 1, "CZT");
    s.times = {0.0};
    if (isImageJ(meta.description)) {
        parseImageJ(path, meta, pages.size(), s);
    } else if (isOme(meta.description)) {
        parseOme(path, meta, pages.size(), *fmt, s);
    } else {
        applyResolution(meta, std::nullopt, s);
    }
    if (s.layout.planes() < pages.size())
        pages.resize(s.layout.planes());  // extra pages (e.g. ImageJ overlays) are not part of the stack
    return buildDataset(path, stemOf(path), {path}, std::move(pages), *fmt, std::move(s));
}

DatasetPtr openTiffFolder(const std::string& folder)
{
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path p = it->path();
        const std::string name = p.filename().string();
        if (name.empty() || name[0] == '.')  // hidden files, macOS "._x.tif" resource forks
            continue;
        std::error_code fec;
        if (hasTiffExtension(p) && fs::is_regular_file(p, fec))
            files.push_back(p.string());
    }
    if (ec)
        throw inputError(folder, "cannot list folder (" + ec.message() + ")");
    if (files.empty())
        throw inputError(folder, "folder contains no .tif/.tiff files");
    std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
        return naturalLess(fs::path(a).filename().string(), fs::path(b).filename().string());
    });

    std::vector<PageRef> pages;
    std::optional<PageFormat> fmt;
    FirstPageMeta meta;
    for (std::size_t i = 0; i < files.size(); ++i) {
        tiffio::Handle h(files[i], "rm");
        if (!h.ok())
            throw inputError(files[i], tiffio::withDetail("not a readable TIFF file", h.error()));
        const PageFormat f = readPageFormat(h.get(), files[i]);
        if (!fmt) {
            fmt = f;
            meta = readFirstPageMeta(h.get());
        } else if (f != *fmt) {
            throw inputError(files[i], "is " + f.describe() + " but " + fs::path(files[0]).filename().string() +
                                           " is " + fmt->describe() +
                                           " (all slices in a folder must have the same size and type)");
        }
        h.clearError();
        if (TIFFReadDirectory(h.get()) && !isReducedImage(h.get()))
            throw inputError(files[i], "has more than one page; a slice folder needs one single-page TIFF per z slice");
        pages.push_back({i, 0, 0});
    }

    StackInfo s;
    s.format = "tiff-folder";
    s.times = {0.0};
    if (isImageJ(meta.description)) {
        // Calibration only: the layout is one file per slice whatever the description says.
        parseImageJCalibration(meta, parseImageJDescription(meta.description), s);
    } else {
        applyResolution(meta, std::nullopt, s);
    }
    s.layout = makeLayout(1, files.size(), 1, "CZT");
    s.times = {0.0};
    s.metadata["tiff.files"] = std::to_string(files.size());
    return buildDataset(folder, stemOf(folder), std::move(files), std::move(pages), *fmt, std::move(s));
}

} // namespace

DatasetPtr openTiff(const std::string& pathOrFolder)
{
    std::error_code ec;
    const auto st = fs::status(pathOrFolder, ec);
    if (ec || !fs::exists(st))
        throw inputError(pathOrFolder, "no such file or folder");
    if (fs::is_directory(st))
        return openTiffFolder(pathOrFolder);
    return openTiffFile(pathOrFolder);
}

} // namespace rfx
