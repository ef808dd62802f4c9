#pragma once
// Measures every labelled cell of one frame: RI statistics and dry mass per compartment (cell,
// nucleus, cytoplasm, nucleoli, lipid droplets, mitochondria), shape, organelle counts,
// fluorescence means and RI texture (CellMeasurements), in one pass per cell.
#include <map>
#include <string>
#include <vector>

#include "core/model/Volume.h"
#include "core/profiling/CellMeasurements.h"
#include "core/util/Progress.h"

namespace rfx {

// Protein refractive increment (mL/g) used for dry mass: n = n_m + alpha * C.
inline constexpr double kRefractiveIncrement_mL_per_g = 0.190;

struct MeasureInputs {
    const Volume* ri = nullptr;             // refractive index
    const Volume* cellLabels = nullptr;     // int labels, 0 = background
    const Volume* nucleusLabels = nullptr;  // a nucleus carries its cell's id
    // Organelle masks by name (nucleoli, lipid_droplets, mitochondria); missing ones count as empty.
    std::map<std::string, const Volume*> masks;
    // Fluorescence channels by target name (actin, membrane, mitochondria, lipid_droplets, nucleus, nucleoli).
    std::map<std::string, const Volume*> fluorescence;
    double mediumRI = 1.337;
    double alpha = kRefractiveIncrement_mL_per_g;
};

// One entry per cell id present, ascending. Throws InputError when volumes disagree in shape.
std::vector<CellMeasurements> measureCells(const MeasureInputs& in, const CancelToken& cancel = {});

} // namespace rfx
