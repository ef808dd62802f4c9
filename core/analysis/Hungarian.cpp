#include "core/analysis/Hungarian.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace rfx {

std::vector<int> solveAssignment(const std::vector<std::vector<double>>& cost, double forbidden)
{
    const std::size_t rows = cost.size();
    if (rows == 0)
        return {};
    const std::size_t cols = cost[0].size();
    for (const auto& r : cost)
        if (r.size() != cols)
            throw std::invalid_argument("solveAssignment: ragged cost matrix");
    std::vector<int> result(rows, -1);
    if (cols == 0)
        return result;

    // The potential method assigns every row of an n x m matrix with n <= m; transpose otherwise.
    const bool transposed = rows > cols;
    const std::size_t n = transposed ? cols : rows, m = transposed ? rows : cols;
    // Large finite stand-in for forbidden pairs keeps the arithmetic finite.
    double maxFinite = 0;
    for (const auto& r : cost)
        for (double v : r)
            if (v < forbidden)
                maxFinite = std::max(maxFinite, std::abs(v));
    const double big = (maxFinite + 1) * static_cast<double>(n + 1) * 4;
    auto a = [&](std::size_t i, std::size_t j) {  // 1-based
        const double v = transposed ? cost[j - 1][i - 1] : cost[i - 1][j - 1];
        return v >= forbidden ? big : v;
    };

    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> u(n + 1, 0), v(m + 1, 0);
    std::vector<std::size_t> p(m + 1, 0), way(m + 1, 0);
    for (std::size_t i = 1; i <= n; ++i) {
        p[0] = i;
        std::size_t j0 = 0;
        std::vector<double> minv(m + 1, inf);
        std::vector<char> used(m + 1, 0);
        do {
            used[j0] = 1;
            const std::size_t i0 = p[j0];
            double delta = inf;
            std::size_t j1 = 0;
            for (std::size_t j = 1; j <= m; ++j) {
                if (used[j])
                    continue;
                const double cur = a(i0, j) - u[i0] - v[j];
                if (cur < minv[j]) {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if (minv[j] < delta) {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for (std::size_t j = 0; j <= m; ++j) {
                if (used[j]) {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
        } while (p[j0] != 0);
        do {
            const std::size_t j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
        } while (j0 != 0);
    }
    for (std::size_t j = 1; j <= m; ++j) {
        if (p[j] == 0)
            continue;
        const std::size_t r = transposed ? j - 1 : p[j] - 1;
        const std::size_t c = transposed ? p[j] - 1 : j - 1;
        if (cost[r][c] < forbidden)
            result[r] = static_cast<int>(c);
    }
    return result;
}

} // namespace rfx
