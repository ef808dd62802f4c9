#pragma once
// UMAP (McInnes, Healy & Melville 2018) as umap-learn computes it: fuzzy simplicial set from the
// k-nearest-neighbour graph (smooth kNN distances, fuzzy union), a/b fitted to min_dist and
// spread, SGD with negative sampling and per-edge epoch scheduling. The optimiser is uwot's
// header-only core (Debian r-cran-uwot), run single-threaded so a seed fixes the output bit for bit.
#include <cstdint>
#include <utility>

#include <Eigen/Dense>

#include "core/util/Progress.h"

namespace rfx {

struct UmapParams {
    int neighbors = 5;        // including the point itself, as in umap-learn
    double minDist = 0.5;
    double spread = 1.0;
    int components = 2;
    std::uint64_t seed = 1;
    int epochs = 0;           // 0: 500 for up to 10,000 points, else 200 (umap-learn's rule)
    double negativeSampleRate = 5.0;
    std::size_t exactNeighborLimit = 10000;  // exact kNN up to this many points (faster there), hnswlib beyond
};

// a and b of the embedding similarity 1 / (1 + a d^(2b)), least-squares fitted on 300 points of
// [0, 3 * spread] to 1 below minDist and exp(-(d - minDist) / spread) above (umap-learn's find_ab_params).
std::pair<double, double> umapCurveParameters(double minDist, double spread);

// Embeds the rows of `data` (points x features, used as given: z-score first if wanted).
// Returns points x components. std::invalid_argument for fewer than 2 points or bad parameters.
Eigen::MatrixXd umapEmbed(const Eigen::MatrixXd& data, const UmapParams& params, const ProgressFn& progress = {},
                          const CancelToken& cancel = {});

} // namespace rfx
