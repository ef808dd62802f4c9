#include "ui/PredictionTask.h"

#include <algorithm>
#include <memory>
#include <thread>

#include "core/prediction/ModelLocator.h"
#include "core/prediction/PredictionSink.h"
#include "core/prediction/ResultsPredictionSink.h"
#include "core/util/Errors.h"
#include "ui/ExtendedDataset.h"

namespace rfx::ui {

std::vector<PredictionMap> uniqueMapNames(std::vector<PredictionMap> maps, const std::vector<std::string>& taken)
{
    auto isTaken = [&](const std::string& n) { return std::find(taken.begin(), taken.end(), n) != taken.end(); };
    const bool clash = std::any_of(maps.begin(), maps.end(), [&](const PredictionMap& m) { return isTaken(m.name); });
    if (!clash)
        return maps;
    for (auto& m : maps) {
        const std::string base = m.derivedFrom.empty() ? m.name : m.derivedFrom;
        if (!m.derivedFrom.empty()) {
            m.name = base + "_pred" + m.name.substr(std::min(base.size(), m.name.size()));
            m.derivedFrom = base + "_pred";
        } else {
            m.name = base + "_pred";
        }
    }
    return maps;
}

BackgroundJob::Work makePredictionWork(PredictionSetup setup, std::function<void(const PredictionOutcome&)> commit)
{
    return [setup = std::move(setup), commit = std::move(commit)](const ProgressFn& progress,
                                                                   const CancelToken& cancel) -> BackgroundJob::Commit {
        if (!setup.ri)
            throw InputError("no RI frame to predict from");
        const std::string dir = setup.modelDir.empty() ? bundledModelDirectory("ri2fl-synthetic") : setup.modelDir;
        progress(0.0, "loading model");
        PredictionOptions options = setup.options;
        if (options.threads <= 0)  // leave one core to the GUI thread, so the window stays responsive
            options.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency() - 1));
        PatchPredictor predictor(loadModelManifest(dir), options);
        MemoryPredictionSink sink;
        auto outcome = std::make_shared<PredictionOutcome>();
        outcome->report = predictor.run(*setup.ri, sink, progress, cancel);
        outcome->frame = setup.frame;
        const auto maps = uniqueMapNames(sink.maps, setup.takenNames);
        for (std::size_t i = 0; i < maps.size(); ++i) {
            outcome->channels.push_back(predictionChannelInfo(maps[i], setup.ri->grid(), {setup.time_s}));
            outcome->volumes.push_back(std::make_shared<const Volume>(std::move(sink.volumes[i])));
        }
        if (setup.base) {
            std::vector<std::vector<VolumePtr>> frames;
            for (const auto& v : outcome->volumes)
                frames.push_back({v});
            outcome->extended = extendDataset(setup.base, outcome->channels, std::move(frames));
            for (std::size_t c = setup.base->channelCount(); c < outcome->extended->channelCount(); ++c)
                outcome->layers.push_back(LayerModel::makeLayer(*outcome->extended, c, 0));
        }
        return [outcome, commit] { commit(*outcome); };
    };
}

} // namespace rfx::ui
