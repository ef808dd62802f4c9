#include "core/stitching/GlobalPlacement.h"

#include <numeric>
#include <stdexcept>
#include <string>

#include <Eigen/Dense>

#include "core/util/Errors.h"

namespace rfx {

namespace {
std::size_t findRoot(std::vector<std::size_t>& parent, std::size_t i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}
} // namespace

std::vector<std::array<double, 3>> solvePlacement(const PlacementInputs& in)
{
    const std::size_t n = in.tiles;
    if (n == 0 || in.anchor >= n)
        throw std::invalid_argument("solvePlacement: no tiles or bad anchor");
    std::vector<std::size_t> parent(n);
    std::iota(parent.begin(), parent.end(), 0);
    for (const PairConstraint& p : in.pairs) {
        if (p.a >= n || p.b >= n || p.a == p.b || !(p.weight > 0))
            throw std::invalid_argument("solvePlacement: bad pair");
        parent[findRoot(parent, p.a)] = findRoot(parent, p.b);
    }
    for (std::size_t i = 0; i < n; ++i)
        if (findRoot(parent, i) != findRoot(parent, in.anchor))
            throw InputError("tile " + std::to_string(i + 1) + " does not overlap the others");

    // Normal equations: the weighted graph Laplacian with the anchor's row and column eliminated.
    Eigen::MatrixXd L = Eigen::MatrixXd::Zero(Eigen::Index(n), Eigen::Index(n));
    Eigen::MatrixXd rhs = Eigen::MatrixXd::Zero(Eigen::Index(n), 3);
    for (const PairConstraint& p : in.pairs) {
        const auto a = Eigen::Index(p.a), b = Eigen::Index(p.b);
        L(a, a) += p.weight;
        L(b, b) += p.weight;
        L(a, b) -= p.weight;
        L(b, a) -= p.weight;
        for (int d = 0; d < 3; ++d) {
            rhs(b, d) += p.weight * p.offset[d];
            rhs(a, d) -= p.weight * p.offset[d];
        }
    }
    std::vector<Eigen::Index> free;
    for (std::size_t i = 0; i < n; ++i)
        if (i != in.anchor)
            free.push_back(Eigen::Index(i));
    std::vector<std::array<double, 3>> positions(n, in.anchorPosition);
    if (free.empty())
        return positions;
    const auto m = Eigen::Index(free.size());
    Eigen::MatrixXd A(m, m), B(m, 3);
    for (Eigen::Index r = 0; r < m; ++r) {
        for (Eigen::Index c = 0; c < m; ++c)
            A(r, c) = L(free[r], free[c]);
        for (int d = 0; d < 3; ++d)
            B(r, d) = rhs(free[r], d) - L(free[r], Eigen::Index(in.anchor)) * in.anchorPosition[d];
    }
    const Eigen::MatrixXd X = A.ldlt().solve(B);
    for (Eigen::Index r = 0; r < m; ++r)
        for (int d = 0; d < 3; ++d)
            positions[std::size_t(free[r])][d] = X(r, d);
    return positions;
}

} // namespace rfx
