#include "core/analysis/Trustworthiness.h"

#include <stdexcept>

#include "core/analysis/NearestNeighbors.h"

namespace rfx {

double trustworthiness(const Eigen::MatrixXd& input, const Eigen::MatrixXd& embedding, int k)
{
    const std::size_t n = std::size_t(input.rows());
    if (std::size_t(embedding.rows()) != n || k < 1 || 2 * std::size_t(k) >= n)
        throw std::invalid_argument("trustworthiness: needs equal row counts and 1 <= k < n / 2");
    const std::size_t kk = std::size_t(k);
    const NeighborGraph low = nearestNeighbors(embedding, kk + 1, n);
    double penalty = 0;
    const std::size_t block = 256;
    for (std::size_t b = 0; b < n; b += block) {
        const std::size_t count = std::min(block, n - b);
        const Eigen::MatrixXd d2 = squaredDistancesTo(input, b, count);
        for (std::size_t c = 0; c < count; ++c) {
            const std::size_t i = b + c;
            const double* dist = d2.col(Eigen::Index(c)).data();
            for (std::size_t m = 1; m <= kk; ++m) {
                const std::size_t j = low.index[i * (kk + 1) + m];
                const double dij = dist[j];
                // Rank of j among i's input neighbours (self excluded, ties by index).
                std::size_t rank = 1;
                for (std::size_t l = 0; l < n; ++l) {
                    if (l != i && (dist[l] < dij || (dist[l] == dij && l < j)))
                        ++rank;
                }
                if (rank > kk)
                    penalty += double(rank - kk);
            }
        }
    }
    const double nn = double(n), kd = double(k);
    return 1.0 - penalty * 2.0 / (nn * kd * (2.0 * nn - 3.0 * kd - 1.0));
}

} // namespace rfx
