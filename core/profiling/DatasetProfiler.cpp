#include "core/profiling/DatasetProfiler.h"

#include <filesystem>

#include "core/io/CsvWriter.h"
#include "core/io/DatasetOpener.h"
#include "core/io/ResultsWriter.h"
#include "core/profiling/CellMeasurer.h"
#include "core/profiling/FeatureCatalog.h"
#include "core/segmentation/DatasetSegmentation.h"
#include "core/segmentation/OrganelleTable.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

const std::vector<std::string> kIdentifierColumns = {"source_file",   "frame",         "time_s",
                                                     "cell_id",       "track_id",      "parent_id",
                                                     "condition",     "centroid_x_um", "centroid_y_um",
                                                     "centroid_z_um", "touches_border"};

// A stored label or mask channel of frame t when the file has one with the RI's shape.
VolumePtr storedChannel(const Dataset& ds, const std::string& name, std::size_t t, const Grid& grid)
{
    const int c = ds.channelIndex(name);
    if (c < 0)
        return nullptr;
    const ChannelInfo& info = ds.channel(static_cast<std::size_t>(c));
    if (info.role != ChannelRole::Labels || t >= info.frames())
        return nullptr;
    if (!info.grid.sameShape(grid))
        throw inputError(ds.path(), "channel '" + name + "' has a different shape from the RI volume");
    return ds.frame(static_cast<std::size_t>(c), t);
}

} // namespace

const std::vector<std::string>& profilingChannels()
{
    static const std::vector<std::string> names = {"actin",    "mitochondria", "lipid_droplets",
                                                   "membrane", "nucleus",      "nucleoli"};
    return names;
}

ProfileResult profileFrame(const Dataset& ds, std::size_t t, const std::string& condition,
                           const SegmentationParams& params, const CancelToken& cancel, Volume* cellLabelsOut)
{
    std::string missing;
    for (const std::string& name : profilingChannels())
        if (fluorescenceChannelIndex(ds, name) < 0)
            missing += (missing.empty() ? "" : ", ") + name;
    if (!missing.empty())
        throw inputError(ds.path(), "missing fluorescence channel(s) " + missing +
                                        " (run `refractome-cli predict` first)");
    const SegmentationInputs segIn = segmentationInputsFor(ds, t, params);
    const Grid grid = segIn.ri->grid();

    // The file's own segmentation (from `segment`, or ground truth) wins; what is missing is computed.
    VolumePtr cells = storedChannel(ds, "cell_labels", t, grid);
    VolumePtr nuclei = storedChannel(ds, "nucleus_labels", t, grid);
    std::map<std::string, VolumePtr> masks;
    bool needSegmentation = !cells || !nuclei;
    for (const char* name : {"nucleoli", "lipid_droplets", "mitochondria"}) {
        masks[name] = storedChannel(ds, maskChannelName(name), t, grid);
        needSegmentation |= !masks[name];
    }
    SegmentationResult seg;
    if (needSegmentation) {
        seg = segmentCells(segIn, {}, cancel);
        if (!cells || !nuclei) {
            cells = std::make_shared<Volume>(seg.cellLabels);
            nuclei = std::make_shared<Volume>(seg.nucleusLabels);
        }
        for (auto& [name, m] : masks)
            if (!m && seg.masks.count(name))
                m = std::make_shared<Volume>(seg.masks.at(name));
    }
    MeasureInputs mi;
    mi.ri = segIn.ri.get();
    mi.cellLabels = cells.get();
    mi.nucleusLabels = nuclei.get();
    for (const auto& [name, m] : masks)
        mi.masks[name] = m.get();
    for (const auto& [name, v] : segIn.fluorescence)
        mi.fluorescence[name] = v.get();
    mi.mediumRI = ds.info().mediumRI;
    const std::vector<CellMeasurements> measured = measureCells(mi, cancel);

    const int riIndex = riChannelIndex(ds);
    const double time = ds.channel(static_cast<std::size_t>(riIndex)).times_s.at(t);
    ProfileResult res;
    for (const CellMeasurements& m : measured) {
        if (m.nucleus.voxels == 0) {
            ++res.cellsWithoutNucleus;
            continue;
        }
        FeatureRow row;
        row.source = ds.path();
        row.frame = t;
        row.time_s = time;
        row.cellId = m.id;
        row.trackId = m.id;
        row.condition = condition;
        row.centroid_um = m.cellShape.centroid_um;
        row.touchesBorder = m.touchesBorder;
        row.features = computeFeatures(m);
        res.rows.push_back(std::move(row));
    }
    if (cellLabelsOut)
        *cellLabelsOut = *cells;
    return res;
}

ProfileResult profileFiles(const ProfileInputs& in, const ProgressFn& progress, const CancelToken& cancel)
{
    if (in.files.empty())
        throw InputError("profile: no input files");
    // Open everything first so a bad file fails before any work.
    std::vector<DatasetPtr> sets;
    std::size_t totalFrames = 0;
    for (const std::string& f : in.files) {
        DatasetPtr ds = openDataset(f);
        const int ri = riChannelIndex(*ds);
        if (ri < 0)
            throw inputError(f, "no refractive-index channel to profile");
        for (const std::string& name : profilingChannels())
            if (fluorescenceChannelIndex(*ds, name) < 0)
                throw inputError(f, "missing fluorescence channel '" + name + "' (run `refractome-cli predict` first)");
        totalFrames += ds->channel(static_cast<std::size_t>(ri)).frames();
        sets.push_back(std::move(ds));
    }
    ProfileResult out;
    std::size_t done = 0;
    for (const DatasetPtr& ds : sets) {
        const std::size_t frames = ds->channel(static_cast<std::size_t>(riChannelIndex(*ds))).frames();
        CellTracker tracker(in.tracking);
        for (std::size_t t = 0; t < frames; ++t) {
            cancel.check();
            Volume labels;
            ProfileResult fr = profileFrame(*ds, t, in.condition, in.segmentation, cancel, &labels);
            const std::vector<TrackedCell> tracks = tracker.addFrame(labels);
            std::map<int, TrackedCell> byCell;
            for (const TrackedCell& tc : tracks)
                byCell[tc.cellId] = tc;
            out.cellsWithoutNucleus += fr.cellsWithoutNucleus;
            for (FeatureRow& row : fr.rows) {
                row.trackId = byCell[row.cellId].trackId;
                row.parentId = byCell[row.cellId].parentId;
                if (in.excludeBorder && row.touchesBorder) {
                    ++out.borderCellsExcluded;
                    continue;
                }
                out.rows.push_back(std::move(row));
            }
            ++done;
            if (progress)
                progress(static_cast<double>(done) / static_cast<double>(totalFrames), "profile");
        }
    }
    return out;
}

std::vector<std::string> featureTableHeader()
{
    std::vector<std::string> h = kIdentifierColumns;
    for (const FeatureSpec& f : featureCatalog())
        h.emplace_back(f.name);
    return h;
}

void writeFeatureCsv(const std::string& path, const ProfileResult& result)
{
    CsvWriter csv(featureTableHeader());
    for (const FeatureRow& r : result.rows) {
        std::vector<std::string> cells = {r.source,
                                          std::to_string(r.frame),
                                          CsvWriter::number(r.time_s),
                                          std::to_string(r.cellId),
                                          std::to_string(r.trackId),
                                          std::to_string(r.parentId),
                                          r.condition,
                                          CsvWriter::number(r.centroid_um[0]),
                                          CsvWriter::number(r.centroid_um[1]),
                                          CsvWriter::number(r.centroid_um[2]),
                                          r.touchesBorder ? "1" : "0"};
        for (double v : r.features)
            cells.push_back(CsvWriter::number(v));
        csv.addRow(cells);
    }
    CsvWriter units({"column", "unit", "compartment", "definition"});
    const std::vector<std::array<std::string, 2>> idUnits = {
        {"source_file", ""}, {"frame", ""},           {"time_s", "s"},         {"cell_id", ""},
        {"track_id", ""},    {"parent_id", ""},       {"condition", ""},       {"centroid_x_um", "µm"},
        {"centroid_y_um", "µm"}, {"centroid_z_um", "µm"}, {"touches_border", "0/1"}};
    for (const auto& [name, unit] : idUnits)
        units.addRow({name, unit, "identifier", ""});
    for (const FeatureSpec& f : featureCatalog())
        units.addRow({f.name, f.unit, f.compartment, f.definition});
    std::filesystem::path p(path);
    const std::filesystem::path sidecar = p.parent_path() / (p.stem().string() + ".units.csv");
    csv.save(path);
    units.save(sidecar.string());
}

void writeFeatureHdf5(const std::string& path, const ProfileResult& result)
{
    ResultsTable t;
    auto add = [&](const std::string& name, const std::string& unit, auto get) {
        t.columns.push_back(name);
        t.units.push_back(unit);
        std::vector<double> v;
        for (const FeatureRow& r : result.rows)
            v.push_back(get(r));
        t.values.push_back(std::move(v));
    };
    add("frame", "", [](const FeatureRow& r) { return static_cast<double>(r.frame); });
    add("time_s", "s", [](const FeatureRow& r) { return r.time_s; });
    add("cell_id", "", [](const FeatureRow& r) { return static_cast<double>(r.cellId); });
    add("track_id", "", [](const FeatureRow& r) { return static_cast<double>(r.trackId); });
    add("parent_id", "", [](const FeatureRow& r) { return static_cast<double>(r.parentId); });
    add("centroid_x_um", "µm", [](const FeatureRow& r) { return r.centroid_um[0]; });
    add("centroid_y_um", "µm", [](const FeatureRow& r) { return r.centroid_um[1]; });
    add("centroid_z_um", "µm", [](const FeatureRow& r) { return r.centroid_um[2]; });
    add("touches_border", "0/1", [](const FeatureRow& r) { return r.touchesBorder ? 1.0 : 0.0; });
    const auto& cat = featureCatalog();
    for (std::size_t k = 0; k < cat.size(); ++k)
        add(cat[k].name, cat[k].unit, [k](const FeatureRow& r) { return r.features[k]; });
    std::vector<std::string> sources, conditions;
    for (const FeatureRow& r : result.rows) {
        sources.push_back(r.source);
        conditions.push_back(r.condition);
    }
    t.textColumns = {{"source_file", sources}, {"condition", conditions}};
    ResultsWriter w(path);
    w.writeTable("features", t);
    w.commit();
}

} // namespace rfx
