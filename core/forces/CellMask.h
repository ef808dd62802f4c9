#pragma once
// A binary cell mask (uint8, 1 = cell) from what users have: a label or binary volume (non-zero =
// cell), or a fluorescence image of the cell (Otsu threshold after a light blur, largest
// 6-connected component, so debris and noise specks are dropped).
#include "core/model/Volume.h"

namespace rfx {

// treatAsLabels: take non-zero voxels as they are. Otherwise volumes with at most two distinct
// values are also taken as binary masks, and anything else is thresholded. Keeps the grid.
// Throws InputError when the result is empty.
Volume cellMaskFromImage(const Volume& image, bool treatAsLabels);


} // namespace rfx
