#include "core/segmentation/DatasetSegmentation.h"

#include <nlohmann/json.hpp>

#include "core/io/ResultsWriter.h"
#include "core/segmentation/OrganelleTable.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

bool isFluorescenceRole(ChannelRole r)
{
    return r == ChannelRole::PredictedFluorescence || r == ChannelRole::MeasuredFluorescence ||
           r == ChannelRole::Probability;
}

const std::vector<std::string>& fluorescenceTargetsUsed()
{
    // Organelles plus actin (not segmented, but measured by profiling).
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const OrganelleSpec& s : kOrganelles)
            v.emplace_back(s.name);
        v.emplace_back("actin");
        return v;
    }();
    return names;
}

bool isOutputName(const std::string& name)
{
    if (name == "nucleus_labels" || name == "cell_labels")
        return true;
    for (const OrganelleSpec& s : kOrganelles)
        if (name == maskChannelName(s.name))
            return true;
    return false;
}

} // namespace

int riChannelIndex(const Dataset& ds)
{
    const int byRole = ds.firstChannelWithRole(ChannelRole::RefractiveIndex);
    return byRole >= 0 ? byRole : ds.channelIndex("ri");
}

int fluorescenceChannelIndex(const Dataset& ds, const std::string& target)
{
    const int c = ds.channelIndex(target);
    if (c < 0 || !isFluorescenceRole(ds.channel(static_cast<std::size_t>(c)).role) ||
        ds.channel(static_cast<std::size_t>(c)).components != 1)
        return -1;
    return c;
}

SegmentationInputs segmentationInputsFor(const Dataset& ds, std::size_t t, const SegmentationParams& params)
{
    SegmentationInputs in;
    const int ri = riChannelIndex(ds);
    if (ri < 0)
        throw inputError(ds.path(), "no refractive-index channel to segment cells in");
    in.ri = ds.frame(static_cast<std::size_t>(ri), t);
    in.mediumRI = ds.info().mediumRI;
    in.params = params;
    for (const std::string& name : fluorescenceTargetsUsed()) {
        const int c = fluorescenceChannelIndex(ds, name);
        if (c < 0 || t >= ds.channel(static_cast<std::size_t>(c)).frames())
            continue;
        in.fluorescence[name] = ds.frame(static_cast<std::size_t>(c), t);
        // Outputs of a segmentation model (probability role) are sigmoid probabilities:
        // thresholded at 0.5 unless the user set a threshold.
        if (ds.channel(static_cast<std::size_t>(c)).role == ChannelRole::Probability)
            in.params.thresholds.emplace(name, 0.5);
    }
    // A model's "cell" probability replaces the RI foreground and the membrane as the watershed's
    // landscape.
    if (const int c = ds.channelIndex(kCellProbabilityChannel);
        c >= 0 && ds.channel(static_cast<std::size_t>(c)).role == ChannelRole::Probability &&
        ds.channel(static_cast<std::size_t>(c)).components == 1 && t < ds.channel(static_cast<std::size_t>(c)).frames())
        in.cellProbability = ds.frame(static_cast<std::size_t>(c), t);
    return in;
}

SegmentationResult segmentFrame(const Dataset& ds, std::size_t t, const SegmentationParams& params,
                                const ProgressFn& progress, const CancelToken& cancel)
{
    return segmentCells(segmentationInputsFor(ds, t, params), progress, cancel);
}

DatasetSegmentationSummary segmentDataset(const DatasetSegmentationInputs& in, const ProgressFn& progress,
                                          const CancelToken& cancel)
{
    const Dataset& ds = *in.dataset;
    const int riIndex = riChannelIndex(ds);
    if (riIndex < 0)
        throw inputError(ds.path(), "no refractive-index channel to segment cells in");
    const ChannelInfo& riInfo = ds.channel(static_cast<std::size_t>(riIndex));
    std::vector<std::size_t> frames = in.frames;
    if (frames.empty())
        for (std::size_t t = 0; t < riInfo.frames(); ++t)
            frames.push_back(t);
    for (std::size_t t : frames)
        if (t >= riInfo.frames())
            throw inputError(ds.path(), "frame " + std::to_string(t) + " does not exist (the file has " +
                                            std::to_string(riInfo.frames()) + ")");
    std::vector<double> times;
    for (std::size_t t : frames)
        times.push_back(riInfo.times_s[t]);

    ResultsWriter w(in.outputPath);
    w.setSource(ds.path());
    w.setMediumRI(ds.info().mediumRI);
    // Input channels on the RI grid travel along (so the file is self-contained for profiling
    // and the viewer); earlier segmentation outputs are replaced.
    std::vector<std::size_t> copied;
    for (std::size_t c = 0; c < ds.channelCount(); ++c) {
        ChannelInfo info = ds.channel(c);
        if (isOutputName(info.name) || !info.grid.sameShape(riInfo.grid) || info.frames() != riInfo.frames())
            continue;
        info.times_s = times;
        w.addChannel(info, ds.frame(c, frames.front())->type());
        copied.push_back(c);
    }
    auto labelInfo = [&](const std::string& name, const std::string& unit, const std::string& from) {
        ChannelInfo info;
        info.name = name;
        info.role = ChannelRole::Labels;
        info.unit = unit;
        info.derivedFrom = from;
        info.grid = riInfo.grid;
        info.times_s = times;
        info.display = defaultDisplayFor(name, ChannelRole::Labels);
        return info;
    };
    const SegmentationInputs probe = segmentationInputsFor(ds, frames.front(), in.params);
    std::vector<std::string> maskNames;
    for (const OrganelleSpec& s : kOrganelles)
        if (probe.fluorescence.count(s.name)) {
            maskNames.emplace_back(s.name);
            w.addChannel(labelInfo(maskChannelName(s.name), "mask", s.name), VoxelType::UInt8);
        }
    w.addChannel(labelInfo("nucleus_labels", "label", "nucleus"), VoxelType::Int32);
    w.addChannel(labelInfo("cell_labels", "label", "ri"), VoxelType::Int32);

    DatasetSegmentationSummary sum;
    sum.frames = frames;
    ResultsTable table;
    table.columns = {"frame", "time_s", "cell_id", "voxels", "volume_um3", "has_nucleus", "touches_border"};
    table.units = {"", "s", "", "", "µm³", "", ""};
    table.values.assign(table.columns.size(), {});
    const double nf = static_cast<double>(frames.size());
    for (std::size_t k = 0; k < frames.size(); ++k) {
        const std::size_t t = frames[k];
        const SegmentationResult r = segmentFrame(ds, t, in.params, subProgress(progress, k / nf, (k + 0.9) / nf), cancel);
        if (k == 0)
            sum.thresholdsUsed = r.thresholdsUsed;
        for (std::size_t c : copied)
            w.writeFrame(ds.channel(c).name, k, *ds.frame(c, t));
        for (const std::string& m : maskNames)
            w.writeFrame(maskChannelName(m), k, r.masks.at(m));
        w.writeFrame("nucleus_labels", k, r.nucleusLabels);
        w.writeFrame("cell_labels", k, r.cellLabels);
        std::size_t border = 0;
        for (const SegmentedCell& c : r.cells) {
            const double row[] = {static_cast<double>(t), riInfo.times_s[t], static_cast<double>(c.id),
                                  static_cast<double>(c.voxels), c.voxels * riInfo.grid.voxelVolume_um3(),
                                  c.hasNucleus ? 1.0 : 0.0, c.touchesBorder ? 1.0 : 0.0};
            for (std::size_t j = 0; j < table.columns.size(); ++j)
                table.values[j].push_back(row[j]);
            border += c.touchesBorder ? 1 : 0;
        }
        sum.cellsPerFrame.push_back(r.cells.size());
        sum.borderCellsPerFrame.push_back(border);
        cancel.check();
        if (progress)
            progress((k + 1) / nf, "segment");
    }
    w.writeTable("cells", table);
    nlohmann::ordered_json doc;
    doc["method"] = in.params.method == ThresholdMethod::Otsu ? "otsu" : "fixed";
    doc["thresholds_first_frame"] = sum.thresholdsUsed;
    doc["cell_ri_offset"] = in.params.cellRiOffset;
    doc["smoothing_sigma_um"] = in.params.smoothingSigma_um;
    doc["membrane_smoothing_sigma_um"] = in.params.membraneSmoothingSigma_um;
    doc["min_cell_volume_um3"] = in.params.minCellVolume_um3;
    doc["split_touching_nuclei"] = in.params.splitTouchingNuclei;
    doc["nucleus_split_depth_um"] = in.params.nucleusSplitDepth_um;
    doc["nucleus_relative_threshold"] = in.params.nucleusRelativeThreshold;
    doc["medium_ri"] = ds.info().mediumRI;
    w.writeText("segmentation", doc.dump(2));
    cancel.check();
    w.commit();
    return sum;
}

} // namespace rfx
