#include "core/profiling/OpenDatasetProfile.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "core/segmentation/DatasetSegmentation.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

std::string readText(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::filesystem::path sidecarOf(const std::filesystem::path& csv)
{
    return csv.parent_path() / (csv.stem().string() + ".units.csv");
}

// A directory of our own under the system's temporary directory, removed with its contents.
struct PrivateTempDir {
    std::filesystem::path path;
    PrivateTempDir()
    {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() /
               ("refractome-profile-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(path);
    }
    ~PrivateTempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

// column -> unit from a units sidecar; empty when it is unreadable.
std::map<std::string, std::string> sidecarUnits(const std::filesystem::path& sidecar)
{
    std::map<std::string, std::string> units;
    try {
        const FeatureTable s = FeatureTable::parse(readText(sidecar), sidecar.string());
        const int name = s.columnIndex("column"), unit = s.columnIndex("unit");
        if (name >= 0 && unit >= 0)
            for (std::size_t r = 0; r < s.rowCount(); ++r)
                units[s.cell(r, std::size_t(name))] = s.cell(r, std::size_t(unit));
    } catch (const InputError&) {
        // A malformed sidecar only costs the units it would have given.
    }
    return units;
}

// The units `profile` writes for every column (identifiers included), from writeFeatureCsv itself.
const std::map<std::string, std::string>& profileUnits()
{
    static const std::map<std::string, std::string> units = [] {
        PrivateTempDir dir;
        writeFeatureCsv((dir.path / "empty.csv").string(), ProfileResult{});
        return sidecarUnits(dir.path / "empty.units.csv");
    }();
    return units;
}

} // namespace

OpenDatasetProfile profileOpenDataset(const Dataset& ds, const std::string& condition,
                                      const SegmentationParams& segmentation, const TrackerParams& tracking,
                                      const ProgressFn& progress, const CancelToken& cancel)
{
    const int ri = riChannelIndex(ds);
    if (ri < 0)
        throw inputError(ds.path(), "no refractive-index channel to profile");
    // Frames are matched by index (as profileFrame reads them), so every channel needs them all:
    // a GUI prediction of one frame of a time-lapse is refused rather than paired with frame 0.
    const std::size_t frames = ds.channel(static_cast<std::size_t>(ri)).frames();
    for (const std::string& name : profilingChannels()) {
        const int c = fluorescenceChannelIndex(ds, name);
        if (c < 0)
            throw inputError(ds.path(), "missing fluorescence channel '" + name + "' (predict it first)");
        const std::size_t n = ds.channel(static_cast<std::size_t>(c)).frames();
        if (n != frames)
            throw inputError(ds.path(), "channel '" + name + "' has " + std::to_string(n) + " frame(s), the RI " +
                                            std::to_string(frames) + " (predict every frame with `refractome-cli predict`)");
    }
    OpenDatasetProfile out;
    CellTracker tracker(tracking);
    for (std::size_t t = 0; t < frames; ++t) {
        cancel.check();
        auto labels = std::make_shared<Volume>();
        ProfileResult fr = profileFrame(ds, t, condition, segmentation, cancel, labels.get());
        std::map<int, TrackedCell> byCell;
        for (const TrackedCell& tc : tracker.addFrame(*labels))
            byCell[tc.cellId] = tc;
        out.result.cellsWithoutNucleus += fr.cellsWithoutNucleus;
        for (FeatureRow& row : fr.rows) {
            row.trackId = byCell[row.cellId].trackId;
            row.parentId = byCell[row.cellId].parentId;
            out.result.rows.push_back(std::move(row));
        }
        out.frames.push_back(t);
        out.cellLabels.push_back(std::move(labels));
        if (progress)
            progress(static_cast<double>(t + 1) / static_cast<double>(frames), "profile");
    }
    return out;
}

FeatureTable featureTableOf(const ProfileResult& result, std::map<std::string, std::string>* units)
{
    // writeFeatureCsv is the one formatter of feature rows; a private temporary directory keeps
    // GUI and CLI tables identical without a second copy of it.
    PrivateTempDir dir;
    const std::filesystem::path csv = dir.path / "features.csv";
    writeFeatureCsv(csv.string(), result);
    FeatureTable table = FeatureTable::parse(readText(csv), "profiled cells");
    if (units)
        *units = featureCsvUnits(csv.string(), table);
    return table;
}

std::map<std::string, std::string> featureCsvUnits(const std::string& csvPath, const FeatureTable& table)
{
    std::map<std::string, std::string> units = profileUnits();
    const std::filesystem::path sidecar = sidecarOf(csvPath);
    if (std::filesystem::exists(sidecar))
        for (const auto& [column, unit] : sidecarUnits(sidecar))
            units[column] = unit;
    std::map<std::string, std::string> used;
    for (const std::string& c : table.columns())
        used[c] = units.count(c) ? units[c] : std::string();
    return used;
}

} // namespace rfx
