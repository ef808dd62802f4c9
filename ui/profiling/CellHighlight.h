#pragma once
// Showing selected cells in the views: a mask volume of the selected cell ids taken from a frame
// of cell labels (drawn as an extra layer over the data), and the inverse, the cell under a point.
#include <array>
#include <optional>
#include <vector>

#include "core/model/Volume.h"

namespace rfx::ui {

// Float volume on the labels' grid: 1 where the label is one of `ids`, else 0.
VolumePtr cellHighlightVolume(const Volume& labels, const std::vector<int>& ids);

// Label at a physical position (x, y, z in µm, as the crosshair); 0 outside the volume.
int labelAt(const Volume& labels, const std::array<double, 3>& xyz_um);

// The first labelled voxel met walking from `from` to `to` (µm, x y z) in half-voxel steps: what a
// click in the 3D view points at. Its position, or nothing when the line meets no cell.
std::optional<std::array<double, 3>> firstLabelledPoint(const Volume& labels, const std::array<double, 3>& from,
                                                        const std::array<double, 3>& to);

} // namespace rfx::ui
