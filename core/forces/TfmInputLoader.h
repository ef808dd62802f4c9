#pragma once
// Reads what a force-microscopy run needs from files, the same way for the CLI and the GUI: the
// bead volume of each file (a named channel, else the first measured-fluorescence channel, else
// the first channel; frame 0), an optional voxel size that overrides the files', and an optional
// cell mask (a label/binary volume, or a cell image segmented by CellMask).
#include <array>
#include <optional>
#include <string>

#include "core/forces/TfmPipeline.h"

namespace rfx {

struct TfmFiles {
    std::string relaxed, stressed;
    std::string mask;                               // empty: none
    std::string channel;                            // bead channel in both files; empty: automatic
    std::optional<std::array<double, 3>> voxel_um;  // (z, y, x); overrides the files' voxel size
};

// The volumes and mask of TfmInputs (params left at their defaults). Throws InputError naming the
// file for a missing channel, a vector channel, different shapes or an unusable mask.
TfmInputs loadTfmInputs(const TfmFiles& files);

} // namespace rfx
