#pragma once
// Global tile positions from pairwise offsets: weighted least squares per axis,
// minimising Σ w · (p_b − p_a − offset)² with one tile held at a given position. With a tree of
// pairs this reproduces the offsets exactly; with loops (a 2×2 grid has six pairs) it spreads
// the disagreement, which the residuals then report.
#include <array>
#include <cstddef>
#include <vector>

namespace rfx {

struct PairConstraint {
    std::size_t a = 0, b = 0;
    std::array<double, 3> offset{0, 0, 0};  // wanted position(b) − position(a), voxels (z, y, x)
    double weight = 1;                      // > 0
};

struct PlacementInputs {
    std::size_t tiles = 0;
    std::vector<PairConstraint> pairs;
    std::size_t anchor = 0;
    std::array<double, 3> anchorPosition{0, 0, 0};
};

// Throws InputError when the pairs do not connect every tile.
std::vector<std::array<double, 3>> solvePlacement(const PlacementInputs& inputs);

} // namespace rfx
