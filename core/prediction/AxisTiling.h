#pragma once
// How one axis of a volume is cut into overlapping patches, and the blending weight of a patch
// voxel along that axis.
//
// With overlap o voxels between neighbouring patches, the weight is 0 within m = o/4 voxels of a
// patch edge and rises as a raised cosine over the middle half of the overlap, so neighbouring
// weights sum to exactly 1 there and no seam remains. Because voxels near a patch edge get zero
// weight, the tiled result equals the network run on the whole padded volume whenever the
// network's receptive-field radius is at most m (the exactness contract, tested). The volume is
// mirror-padded by m on both sides (plus whatever completes the last patch) so border voxels lie
// in the weighted part of a patch. An axis no longer than one patch is one centred patch, weight 1.
#include <cstddef>
#include <vector>

namespace rfx {

struct AxisTiling {
    std::size_t length = 0;     // voxels of the (unpadded) volume
    std::size_t patch = 0;      // patch size
    std::size_t stride = 0;     // distance between patch starts
    std::size_t overlap = 0;    // patch - stride
    std::size_t margin = 0;     // zero-weight band at patch edges
    std::size_t padBefore = 0;  // mirror padding
    std::size_t padAfter = 0;
    std::size_t count = 0;      // patches along the axis
    std::vector<float> weight;  // per patch voxel

    std::size_t paddedLength() const { return padBefore + length + padAfter; }
    std::size_t start(std::size_t i) const { return i * stride; }  // in padded coordinates
};

// overlapFraction in [0, 0.9]: 0.5 means patches overlap by half their size.
AxisTiling planAxis(std::size_t length, std::size_t patch, double overlapFraction);

// Mirror index (reflect about the edge voxels, like numpy's "reflect") for any integer position.
std::size_t mirrorIndex(long long i, std::size_t n);

} // namespace rfx
