#pragma once
// Minimum-cost assignment (the Hungarian algorithm, O(n^3) with potentials) for rectangular cost
// matrices. Used to match segmented instances to ground truth and cells between time frames.
#include <cstddef>
#include <vector>

namespace rfx {

// cost[r][c] for r < rows, c < cols (all rows the same length; finite values). Returns for each
// row the assigned column or -1 (when rows > cols some rows stay unassigned). Pairs whose cost is
// >= `forbidden` are never reported as assigned (they are dropped after solving).
std::vector<int> solveAssignment(const std::vector<std::vector<double>>& cost,
                                 double forbidden = 1e300);

} // namespace rfx
