#pragma once
// Spurious-vector handling on a node grid: the normalised median test (Westerweel & Scarano 2005,
// Exp. Fluids 39:1096) and replacement of rejected vectors by the median of their valid neighbours.
#include <array>
#include <cstdint>
#include <vector>

#include "core/forces/NodeLayout.h"

namespace rfx {

struct OutlierParams {
    double epsilon_vox = 0.1;  // expected measurement noise; keeps the test from rejecting in flat regions
    double threshold = 2.0;
};

// Flags (sets rejected[i] = 1) every vector whose distance to the component-wise median of its valid
// 26-neighbours, divided by (median neighbour residual + epsilon), exceeds the threshold. Vectors already
// rejected on entry (no correlation peak) count as invalid neighbours. Returns the number newly flagged.
std::size_t flagOutliers(const std::array<int, 3>& count, const std::vector<Vec3>& u, std::vector<std::uint8_t>& rejected,
                         const OutlierParams& params);

// Replaces every rejected vector by the component-wise median of its non-rejected neighbours, sweeping
// outward so clusters are filled from their rims. Returns false when no valid vector exists at all.
bool replaceRejected(const std::array<int, 3>& count, std::vector<Vec3>& u, const std::vector<std::uint8_t>& rejected);

} // namespace rfx
