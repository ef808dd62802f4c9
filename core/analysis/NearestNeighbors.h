#pragma once
// k-nearest-neighbour graphs in Euclidean space for UMAP and trustworthiness. Exact (blocked
// matrix products) up to a size limit, hnswlib beyond it; both single-threaded so that the
// result, and everything built on it, is reproducible bit for bit.
#include <cstddef>
#include <vector>

#include <Eigen/Dense>

#include "core/util/Progress.h"

namespace rfx {

struct NeighborGraph {
    std::size_t k = 0;                   // neighbours per point, the point itself first
    std::vector<std::size_t> index;      // n x k, row-major
    std::vector<double> distance;        // n x k, non-decreasing within a row (self: 0)
};

// Squared distances between every row of x and rows [begin, begin + count): n x count, so that
// column c (contiguous) holds the distances of point begin + c to all points.
Eigen::MatrixXd squaredDistancesTo(const Eigen::MatrixXd& x, std::size_t begin, std::size_t count);

// The k nearest points of every row of x (rows are points), including the point itself in
// column 0. Exact when n <= exactLimit (ties broken by index), else approximate (hnswlib, fixed seed).
NeighborGraph nearestNeighbors(const Eigen::MatrixXd& x, std::size_t k, std::size_t exactLimit,
                               const CancelToken& cancel = {});

} // namespace rfx
