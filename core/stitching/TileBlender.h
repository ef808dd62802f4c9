#pragma once
// Composes placed tiles into one volume. Overlaps are feathered: each tile's weight is a product
// over axes of a raised-cosine ramp that rises from its border over `featherWidth` voxels, and
// the result is the weighted mean, so seams fade smoothly. Label volumes are not averaged: each
// voxel takes the label of the tile with the largest weight there.
#include <array>
#include <vector>

#include "core/model/Volume.h"
#include "core/util/Progress.h"

namespace rfx {

struct BlendTile {
    const Volume* volume = nullptr;         // scalar
    std::array<long, 3> offset{0, 0, 0};    // output voxel of the tile's voxel (0,0,0); may be partly outside
};

struct BlendInputs {
    std::vector<BlendTile> tiles;
    Grid grid;                                   // output geometry
    std::array<double, 3> featherWidth{0, 0, 0};  // voxels per axis; 0: no ramp along that axis
    bool labels = false;                          // int32 output, largest weight wins
    float fill = 0;                               // where no tile reaches
};

Volume blendTiles(const BlendInputs& inputs, const ProgressFn& progress = {}, const CancelToken& cancel = {});

// Raised-cosine ramp weights of one tile axis of `length` voxels (all 1 when width is 0).
std::vector<float> featherRamp(std::size_t length, double width);

} // namespace rfx
