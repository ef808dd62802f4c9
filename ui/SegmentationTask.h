#pragma once
// The GUI's segmentation: core's segmentFrame (organelle masks, nuclei and cells by marker
// watershed) on the shown frame of the open dataset, run as a BackgroundJob. The worker reads the
// dataset snapshot, segments, and builds the extended dataset and its layers; the commit swaps
// them in at once, so a cancelled run leaves nothing.
#include <functional>
#include <string>
#include <vector>

#include "core/model/Dataset.h"
#include "core/segmentation/CellSegmentation.h"
#include "ui/BackgroundJob.h"
#include "ui/LayerModel.h"

namespace rfx::ui {

struct SegmentationSetup {
    DatasetPtr dataset;  // the open dataset (immutable snapshot)
    std::size_t frame = 0;  // of the RI channel
    SegmentationParams params;
};

struct SegmentationOutcome {
    DatasetPtr extended;       // the dataset plus masks, nucleus_labels and cell_labels (one frame)
    std::vector<Layer> layers;  // their layers
    std::size_t cells = 0, borderCells = 0;
};

BackgroundJob::Work makeSegmentationWork(SegmentationSetup setup, std::function<void(const SegmentationOutcome&)> commit);

} // namespace rfx::ui
