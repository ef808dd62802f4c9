#pragma once
// Segments every selected frame of a dataset (an RI tomogram with predicted or measured
// fluorescence, e.g. the output of `predict`) and writes a results file holding the input
// channels, the organelle masks, nucleus_labels and cell_labels, and a per-cell table.
#include <string>
#include <vector>

#include "core/model/Dataset.h"
#include "core/segmentation/CellSegmentation.h"

namespace rfx {

// The RI channel (role RefractiveIndex, else the channel named "ri"); -1 when absent.
int riChannelIndex(const Dataset& ds);
// A fluorescence channel by target name (predicted, measured or probability role); -1 when absent.
int fluorescenceChannelIndex(const Dataset& ds, const std::string& target);

// The output name of a segmentation model's cell (cytoplasm) probability.
inline constexpr const char* kCellProbabilityChannel = "cell";

// Inputs of segmentCells for frame t: RI, every fluorescence target present, the medium RI, and a
// segmentation model's outputs (probability role: organelles thresholded at 0.5, "cell" as the
// cell probability).
SegmentationInputs segmentationInputsFor(const Dataset& ds, std::size_t t, const SegmentationParams& params);

struct DatasetSegmentationInputs {
    DatasetPtr dataset;
    std::vector<std::size_t> frames;  // empty = all
    SegmentationParams params;
    std::string outputPath;           // results HDF5, written atomically
};

struct DatasetSegmentationSummary {
    std::vector<std::size_t> frames;
    std::vector<std::size_t> cellsPerFrame;
    std::vector<std::size_t> borderCellsPerFrame;
    std::map<std::string, double> thresholdsUsed;  // of the first frame
};

SegmentationResult segmentFrame(const Dataset& ds, std::size_t t, const SegmentationParams& params,
                                 const ProgressFn& progress = {}, const CancelToken& cancel = {});

// Throws InputError when the dataset has no RI channel or a requested frame does not exist.
DatasetSegmentationSummary segmentDataset(const DatasetSegmentationInputs& in, const ProgressFn& progress = {},
                                          const CancelToken& cancel = {});

} // namespace rfx
