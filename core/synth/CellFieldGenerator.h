#pragma once
// Deterministic synthetic holotomography fields: adherent cells with nucleus, nucleoli, cytoplasm,
// lipid droplets, mitochondria, plasma membrane and actin, rendered as an RI tomogram (with
// missing-cone-like axial blur and noise), six ground-truth fluorescence maps (the RI2FL targets)
// and cell / nucleus label volumes. Used by the demo, the tests and for training data.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/Dataset.h"
#include "core/model/Volume.h"
#include "core/util/Progress.h"

namespace rfx {

// The six RI2FL targets in the order of CellFieldFrame::fluorescence (also the channel names).
inline constexpr std::array<const char*, 6> kFluorescenceTargets{
    "actin", "mitochondria", "lipid_droplets", "membrane", "nucleus", "nucleoli"};
enum FluorescenceTarget : int { kActin = 0, kMitochondria, kLipidDroplets, kMembrane, kNucleus, kNucleoli };

// What a non-control condition changes (all deterministic, same random draws as "control" so a
// treated field is the control field with only these differences):
extern const char* const kConditionEffectsDoc;

struct CellFieldParams {
    std::array<std::size_t, 3> shape{64, 256, 256};  // voxels (z, y, x)
    std::array<double, 3> spacing_um{0.2, 0.15, 0.15};  // (z, y, x)
    int cells = 6;
    std::uint64_t seed = 1;
    int frames = 1;
    double frameInterval_s = 60;
    std::string condition = "control";  // "control" (or empty) is the baseline
    double noise = 0.002;               // Gaussian noise sd, RI units
    bool axialBlur = true;              // missing-cone-like blur (RI only)
    bool division = true;               // when frames > 1, one cell divides at mid-sequence
};

// Ground truth of one cell in one frame, measured on the rendered label volumes.
struct CellTruth {
    int id = 0;
    int parentId = 0;  // 0: none; daughters of a division name their mother
    int frame = 0;
    std::array<double, 3> centroid_um{0, 0, 0};  // (x, y, z) from the centre of voxel (0,0,0)
    double volume_um3 = 0;
    double nucleusVolume_um3 = 0;
    int nucleoli = 0;       // rendered (visible) nucleoli
    int lipidDroplets = 0;  // rendered (visible) droplets
    bool touchesBorder = false;  // cut by the lateral field border
    std::string condition;
};

struct CellFieldFrame {
    Volume ri;                              // float32 RI
    std::array<Volume, 6> fluorescence;     // float32 in [0,1], order of kFluorescenceTargets
    Volume nucleusLabels;                   // int32, nucleus label == its cell's id
    Volume cellLabels;                      // int32, 0 = background
};

struct CellField {
    Grid grid;
    std::vector<double> times_s;         // one per frame
    std::vector<CellFieldFrame> frames;  // one per frame
    std::vector<CellTruth> cells;        // one row per cell per frame, frame-major
    std::string condition;
    std::uint64_t seed = 0;
    double mediumRI = 1.337;
};

CellField generateCellField(const CellFieldParams& params, const ProgressFn& progress = {},
                            const CancelToken& cancel = {});

// Channels: "ri" (RefractiveIndex, "RI"), the six targets (MeasuredFluorescence: ground truth,
// "a.u."), "nucleus_labels" and "cell_labels" (Labels, "label"). The rvalue overload avoids copies.
DatasetPtr toDataset(const CellField& field);
DatasetPtr toDataset(CellField&& field);

} // namespace rfx
