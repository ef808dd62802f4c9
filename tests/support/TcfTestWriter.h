#pragma once
// Writes small synthetic Tomocube TCF files (HDF5 C API) for the reader's tests and fuzzer:
// classic frames (uint16 RI*1e4 or old-style float RI) and tiled "LDM" frames, time frames,
// /Data/3DFL channels, /Data/2DMIP, /Info/Device. TcfSpec's fault options produce broken files.
// Voxel values follow fixed patterns; tcfExpected*() give what a correct reader must return.
#include <array>
#include <cstddef>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace rfx::test {

enum class TcfLayout {
    Classic,       // uint16 datasets, RI = v / 1e4 (FormatVersion >= 1.3)
    ClassicFloat,  // float32 datasets holding RI (old files)
    Tiled,         // LDM frame groups with TILE_nn datasets
};

// One LDM tile. Offsets/last points are written as given (they may be out of range on purpose).
struct TcfTile {
    std::array<long long, 3> offset{0, 0, 0};  // DataIndexOffsetPointZ/Y/X
    std::array<long long, 3> last{0, 0, 0};    // DataIndexLastPointZ/Y/X, inclusive
    long long samplingStep = 1;
    // Stored dataset extent (z, y, x); 0 in any axis: last - offset + 1 (at least 1).
    std::array<std::size_t, 3> stored{0, 0, 0};
};

struct TcfFlChannel {
    bool uint8 = false;                  // uint8 frames, else uint16
    std::vector<double> times{0.0};      // one entry per frame; NaN: no Time attribute
    double excitation = 488.0;
    double emission = 520.0;
    std::array<int, 3> color{-1, -1, -1};  // ColorR/G/B (0-255); negative: not written
};

struct TcfSpec {
    // Root attributes.
    std::string formatVersion = "1.4.1";
    bool numericFormatVersion = false;  // write FormatVersion as a double (std::stod of the string)
    std::string title = "synthetic";
    std::string deviceSerial = "HTX-TEST-0001";
    std::string recordingTime = "2024-01-02 03:04:05.678";
    std::string deviceModelType = "HTX";

    // /Data/3D
    TcfLayout layout = TcfLayout::Classic;
    std::array<std::size_t, 3> shape{4, 6, 8};        // data extent (z, y, x)
    std::array<double, 3> resolution{0.2, 0.1, 0.1};  // µm (z, y, x)
    std::vector<double> times{0.0};                   // one per frame; NaN: no Time attribute
    double timeInterval = std::numeric_limits<double>::quiet_NaN();  // written when finite
    long long dataCount = -1;                         // DataCount; -1: number of frames

    // Tiled layout.
    long long scalarType = 0;                        // 0 uint16 (v/1e4), 1 uint8 (v/1000 + RIMin)
    double riMin = 1.33;                             // frame RIMin
    std::array<std::size_t, 3> tileGrid{1, 2, 2};    // tiles per axis when `tiles` is empty
    std::vector<TcfTile> tiles;                      // explicit tiles (same for every frame)
    bool extraSubsampledTile = true;                 // adds a SamplingStep 2 tile of junk

    // Storage.
    bool deflate = false;            // chunked + gzip
    bool unavailableFilter = false;  // chunked with a filter that is unregistered after writing

    // Optional groups.
    std::vector<TcfFlChannel> fl;
    std::array<std::size_t, 3> flShape{2, 3, 4};
    std::array<double, 3> flResolution{0.5, 0.2, 0.2};
    bool mip = false;  // /Data/2DMIP, one frame per RI frame
    double mediumRI = std::numeric_limits<double>::quiet_NaN();  // /Info/Device RI when finite
    double na = std::numeric_limits<double>::quiet_NaN();
    double magnification = std::numeric_limits<double>::quiet_NaN();
    double wavelength = std::numeric_limits<double>::quiet_NaN();

    // Faults. Attribute keys are either a bare name ("SizeX": every object) or "OBJECT:NAME"
    // ("/Data/3D/000001:Time", "/Data/3D/000000/TILE_01:DataIndexOffsetPointX").
    bool noData3D = false;
    std::set<std::string> omitAttrs;
    std::map<std::string, double> attrOverrides;  // numeric value written instead
    std::set<std::string> numbersAsStrings;       // numeric attributes written as strings
    std::size_t nanVoxels = 0;  // ClassicFloat: the first n voxels of the last frame are NaN
    bool infVoxel = false;      // ClassicFloat: the last voxel of the last frame is +Inf
};

// Writes `spec` to `path` (overwriting). Throws std::runtime_error when HDF5 refuses.
void writeTcf(const std::string& path, const TcfSpec& spec);

// Values a correct reader returns (float32, RI units for RI and MIP, counts for FL).
float tcfExpectedRI(const TcfSpec& spec, std::size_t t, std::size_t z, std::size_t y, std::size_t x);
float tcfExpectedFl(const TcfSpec& spec, std::size_t channel, std::size_t t, std::size_t z, std::size_t y,
                    std::size_t x);
float tcfExpectedMip(const TcfSpec& spec, std::size_t t, std::size_t y, std::size_t x);

// Filter id used by TcfSpec::unavailableFilter (in HDF5's range reserved for testing).
constexpr int kTcfTestFilterId = 305;

} // namespace rfx::test
