#pragma once
// Trilinear resampling between voxel grids of the same physical extent (used to bring tomograms
// to a model's voxel size and predictions back to the input grid).
#include <array>

#include "core/model/Volume.h"

namespace rfx {

// Shape of `grid` resampled to `spacing`, keeping the physical extent (at least 1 voxel per axis).
std::array<std::size_t, 3> resampledShape(const Grid& grid, const std::array<double, 3>& spacing_um);
// Float32 volume on `target` (same physical extent as the input's grid); voxel centres are mapped
// by extent, clamped at the borders.
Volume resampleTrilinear(const Volume& input, const Grid& target);
// True when spacings differ by more than `tolerance` (relative) on any axis.
bool needsResampling(const std::array<double, 3>& a, const std::array<double, 3>& b, double tolerance = 0.01);

} // namespace rfx
