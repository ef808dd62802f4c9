#include "core/analysis/NearestNeighbors.h"

#include <algorithm>
#include <stdexcept>

#include <hnswlib/hnswlib.h>

namespace rfx {

namespace {

double exactDistance(const Eigen::MatrixXd& x, std::size_t i, std::size_t j)
{
    return (x.row(Eigen::Index(i)) - x.row(Eigen::Index(j))).norm();
}

// Fills row i from candidate neighbours (self excluded): recomputes their distances directly, since
// the ‖a‖² + ‖b‖² − 2a·b expansion loses precision for close points, and orders by (distance, index).
void fillRow(NeighborGraph& g, const Eigen::MatrixXd& x, std::size_t i, std::vector<std::size_t> candidates)
{
    std::vector<std::pair<double, std::size_t>> d;
    for (std::size_t j : candidates)
        d.emplace_back(exactDistance(x, i, j), j);
    std::sort(d.begin(), d.end());
    g.index[i * g.k] = i;
    g.distance[i * g.k] = 0.0;
    for (std::size_t m = 1; m < g.k; ++m) {
        g.index[i * g.k + m] = d[m - 1].second;
        g.distance[i * g.k + m] = d[m - 1].first;
    }
}

void exactNeighbors(NeighborGraph& g, const Eigen::MatrixXd& x, const CancelToken& cancel)
{
    const std::size_t n = std::size_t(x.rows()), block = 256;
    // A few spare candidates absorb rounding in the expansion before exact re-ranking.
    const std::size_t want = std::min(n - 1, g.k - 1 + 4);
    std::vector<std::pair<double, std::size_t>> heap;  // max-heap of the closest so far
    for (std::size_t b = 0; b < n; b += block) {
        cancel.check();
        const std::size_t count = std::min(block, n - b);
        const Eigen::MatrixXd d2 = squaredDistancesTo(x, b, count);
        for (std::size_t c = 0; c < count; ++c) {
            const std::size_t i = b + c;
            const double* col = d2.col(Eigen::Index(c)).data();
            heap.clear();
            for (std::size_t j = 0; j < n; ++j) {
                if (j == i)
                    continue;
                const std::pair<double, std::size_t> candidate(col[j], j);
                if (heap.size() < want) {
                    heap.push_back(candidate);
                    std::push_heap(heap.begin(), heap.end());
                } else if (candidate < heap.front()) {
                    std::pop_heap(heap.begin(), heap.end());
                    heap.back() = candidate;
                    std::push_heap(heap.begin(), heap.end());
                }
            }
            std::vector<std::size_t> candidates;
            for (const auto& h : heap)
                candidates.push_back(h.second);
            fillRow(g, x, i, candidates);
        }
    }
}

void approximateNeighbors(NeighborGraph& g, const Eigen::MatrixXd& x, const CancelToken& cancel)
{
    const std::size_t n = std::size_t(x.rows()), dim = std::size_t(x.cols());
    // hnswlib stores float points contiguously; row-major float copy.
    const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> xf = x.cast<float>();
    hnswlib::L2Space space(dim);
    hnswlib::HierarchicalNSW<float> index(&space, n, 16, 200, 100);
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 1024 == 0)
            cancel.check();
        index.addPoint(xf.data() + i * dim, i);
    }
    index.setEf(std::max<std::size_t>(64, 4 * g.k));
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 1024 == 0)
            cancel.check();
        auto found = index.searchKnn(xf.data() + i * dim, g.k + 1);
        std::vector<std::size_t> candidates;
        for (; !found.empty(); found.pop())
            if (found.top().second != i)
                candidates.push_back(found.top().second);
        if (candidates.size() + 1 < g.k)
            throw std::runtime_error("nearestNeighbors: approximate search returned too few neighbours");
        fillRow(g, x, i, candidates);
    }
}

} // namespace

Eigen::MatrixXd squaredDistancesTo(const Eigen::MatrixXd& x, std::size_t begin, std::size_t count)
{
    const auto points = x.middleRows(Eigen::Index(begin), Eigen::Index(count));
    Eigen::MatrixXd d2 = -2.0 * (x * points.transpose());
    d2.colwise() += x.rowwise().squaredNorm();
    d2.rowwise() += points.rowwise().squaredNorm().transpose();
    return d2.cwiseMax(0.0);
}

NeighborGraph nearestNeighbors(const Eigen::MatrixXd& x, std::size_t k, std::size_t exactLimit,
                               const CancelToken& cancel)
{
    const std::size_t n = std::size_t(x.rows());
    if (k < 1 || k > n)
        throw std::invalid_argument("nearestNeighbors: k must lie in [1, n]");
    NeighborGraph g;
    g.k = k;
    g.index.assign(n * k, 0);
    g.distance.assign(n * k, 0.0);
    if (n <= exactLimit)
        exactNeighbors(g, x, cancel);
    else
        approximateNeighbors(g, x, cancel);
    return g;
}

} // namespace rfx
