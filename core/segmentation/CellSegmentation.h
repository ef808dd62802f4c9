#pragma once
// Segmentation of one frame: organelle masks from predicted (or measured) fluorescence, nucleus
// instances (touching nuclei split on the distance map), and cell instances by marker-controlled
// watershed with the nuclei as markers, restricted to the cell foreground found in the RI.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/model/Volume.h"
#include "core/util/Progress.h"

namespace rfx {

enum class ThresholdMethod { Fixed, Otsu };

struct SegmentationParams {
    ThresholdMethod method = ThresholdMethod::Fixed;
    std::map<std::string, double> thresholds;  // per organelle; missing = OrganelleTable default
    // Cell foreground: RI smoothed by a Gaussian of this sigma above the medium by this much
    // (a third of the way from medium, 1.337, to typical cytoplasm, ~1.355).
    double cellRiOffset = 0.006;
    double smoothingSigma_um = 0.15;
    // The membrane channel is smoothed more than the RI before it becomes the watershed elevation:
    // predicted membrane is noisy, and a noisy elevation makes the boundary between touching cells
    // meander (measured on held-out fields: cell surface area r 0.42 -> 0.95 between features from
    // predicted and true fluorescence when 0.15 -> 0.75 µm; docs/segmentation.md).
    double membraneSmoothingSigma_um = 0.75;
    double minCellVolume_um3 = 40;
    // Touching nuclei are split where the distance map of their footprint (projection along z)
    // has separate peaks rising at least this far above the neck between them.
    bool splitTouchingNuclei = true;
    double nucleusSplitDepth_um = 1.0;
    // Each nucleus found by the fixed threshold is thresholded again at this fraction of its own
    // median stain (0 = off), within 0.6 µm of it: nuclei differ in brightness, and a dim nucleus
    // cut at a fixed level comes out too small. Half the median is the half-maximum of the stain.
    // Applies to the default fixed threshold only (not to --otsu, an explicit nucleus threshold or
    // a segmentation model's probabilities). Measured on held-out fields: nucleus volume r between
    // predicted and true fluorescence 0.86 -> 0.93 (docs/segmentation.md).
    double nucleusRelativeThreshold = 0.5;
};

struct SegmentationInputs {
    VolumePtr ri;                                    // refractive index (required for cells)
    std::map<std::string, VolumePtr> fluorescence;   // by target name: nucleus, nucleoli, membrane, ...
    // Optional probability of "cell" (from a segmentation model); replaces the RI foreground.
    VolumePtr cellProbability;
    double mediumRI = 1.337;
    SegmentationParams params;
};

struct SegmentedCell {
    int id = 0;
    std::size_t voxels = 0;
    bool hasNucleus = false;
    bool touchesBorder = false;  // cut by the lateral (x or y) border of the field
};

struct SegmentationResult {
    std::map<std::string, Volume> masks;  // organelle name -> uint8 mask (organelles with a channel)
    std::map<std::string, double> thresholdsUsed;
    Volume nucleusLabels;  // int32; a nucleus carries its cell's id
    Volume cellLabels;     // int32; 0 = background
    std::vector<SegmentedCell> cells;  // by ascending id
};

// Throws InputError when no RI (and no cell probability) is given or grids disagree.
SegmentationResult segmentCells(const SegmentationInputs& in, const ProgressFn& progress = {},
                                const CancelToken& cancel = {});

} // namespace rfx
