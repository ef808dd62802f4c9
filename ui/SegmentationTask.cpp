#include "ui/SegmentationTask.h"

#include "core/segmentation/DatasetSegmentation.h"
#include "core/segmentation/OrganelleTable.h"
#include "core/util/Errors.h"
#include "ui/ExtendedDataset.h"

namespace rfx::ui {

BackgroundJob::Work makeSegmentationWork(SegmentationSetup setup, std::function<void(const SegmentationOutcome&)> commit)
{
    return [setup = std::move(setup), commit = std::move(commit)](const ProgressFn& progress,
                                                                   const CancelToken& cancel) -> BackgroundJob::Commit {
        if (!setup.dataset)
            throw InputError("nothing is open to segment");
        const Dataset& ds = *setup.dataset;
        const int ri = riChannelIndex(ds);
        if (ri < 0)
            throw inputError(ds.path(), "no refractive-index channel to segment cells in");
        const ChannelInfo& riInfo = ds.channel(static_cast<std::size_t>(ri));
        SegmentationResult r = segmentFrame(ds, setup.frame, setup.params, progress, cancel);
        cancel.check();

        // New channels on the RI grid with the segmented frame's time; names already taken (an
        // earlier segmentation, a file's own labels) get "_seg".
        auto named = [&](std::string name) {
            while (ds.channelIndex(name) >= 0)
                name += "_seg";
            return name;
        };
        std::vector<ChannelInfo> infos;
        std::vector<std::vector<VolumePtr>> frames;
        auto add = [&](const std::string& name, const std::string& unit, const std::string& from, Volume v) {
            ChannelInfo info;
            info.name = named(name);
            info.role = ChannelRole::Labels;
            info.unit = unit;
            info.derivedFrom = from;
            info.grid = riInfo.grid;
            info.times_s = {riInfo.times_s[setup.frame]};
            info.display = defaultDisplayFor(name, ChannelRole::Labels);
            infos.push_back(info);
            frames.push_back({std::make_shared<const Volume>(std::move(v))});
        };
        for (auto& [organelle, mask] : r.masks)
            add(maskChannelName(organelle), "mask", organelle, std::move(mask));
        add("nucleus_labels", "label", "nucleus", std::move(r.nucleusLabels));
        add("cell_labels", "label", "ri", std::move(r.cellLabels));

        auto outcome = std::make_shared<SegmentationOutcome>();
        outcome->extended = extendDataset(setup.dataset, infos, std::move(frames));
        for (std::size_t c = ds.channelCount(); c < outcome->extended->channelCount(); ++c)
            outcome->layers.push_back(LayerModel::makeLayer(*outcome->extended, c, 0));
        outcome->cells = r.cells.size();
        for (const SegmentedCell& c : r.cells)
            outcome->borderCells += c.touchesBorder ? 1 : 0;
        return [outcome, commit] { commit(*outcome); };
    };
}

} // namespace rfx::ui
