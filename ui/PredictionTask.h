#pragma once
// The GUI's fluorescence prediction: core's PatchPredictor over one RI frame, run as a
// BackgroundJob. The work captures an immutable snapshot (the frame's VolumePtr) and produces
// the predicted maps in memory; the commit hands them over in one step.
#include <functional>
#include <string>
#include <vector>

#include "core/model/Channel.h"
#include "core/model/Dataset.h"
#include "core/model/Volume.h"
#include "core/prediction/PatchPredictor.h"
#include "ui/BackgroundJob.h"
#include "ui/LayerModel.h"

namespace rfx::ui {

struct PredictionSetup {
    VolumePtr ri;          // snapshot of the RI frame
    std::size_t frame = 0;
    double time_s = 0;
    std::string modelDir;  // empty: the bundled ri2fl-synthetic package
    PredictionOptions options;
    std::vector<std::string> takenNames;  // channel names already in the dataset
    DatasetPtr base;       // the open dataset, extended by the worker (optional)
};

struct PredictionOutcome {
    std::vector<ChannelInfo> channels;  // one per map, on the RI grid, with one time
    std::vector<VolumePtr> volumes;
    PredictionReport report;
    std::size_t frame = 0;
    // With a base: the base plus the maps, and the maps' layers with auto contrast, made on the
    // worker so the commit only swaps them in.
    DatasetPtr extended;
    std::vector<Layer> layers;
};

// Map names that collide with existing channels get "_pred" after the predicted target
// (nucleus -> nucleus_pred, nucleus_data_std -> nucleus_pred_data_std).
std::vector<PredictionMap> uniqueMapNames(std::vector<PredictionMap> maps, const std::vector<std::string>& taken);

BackgroundJob::Work makePredictionWork(PredictionSetup setup, std::function<void(const PredictionOutcome&)> commit);

} // namespace rfx::ui
