#include "core/forces/OutlierFilter.h"

#include <algorithm>
#include <cmath>

namespace rfx {

namespace {
double median(std::vector<double>& v)
{
    const std::size_t n = v.size();
    std::nth_element(v.begin(), v.begin() + n / 2, v.end());
    const double hi = v[n / 2];
    if (n % 2)
        return hi;
    return 0.5 * (hi + *std::max_element(v.begin(), v.begin() + n / 2));
}

template <class F> void forNeighbours(const std::array<int, 3>& c, int z, int y, int x, F&& f)
{
    for (int dz = -1; dz <= 1; ++dz)
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                const int nz = z + dz, ny = y + dy, nx = x + dx;
                if ((dz || dy || dx) && nz >= 0 && ny >= 0 && nx >= 0 && nz < c[0] && ny < c[1] && nx < c[2])
                    f((static_cast<std::size_t>(nz) * c[1] + ny) * c[2] + nx);
            }
}

Vec3 componentMedian(const std::vector<Vec3>& u, const std::vector<std::size_t>& idx, std::vector<double>& tmp)
{
    Vec3 m{};
    for (int a = 0; a < 3; ++a) {
        tmp.clear();
        for (std::size_t j : idx)
            tmp.push_back(u[j][a]);
        m[a] = median(tmp);
    }
    return m;
}

double dist(const Vec3& a, const Vec3& b)
{
    return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}
} // namespace

std::size_t flagOutliers(const std::array<int, 3>& c, const std::vector<Vec3>& u, std::vector<std::uint8_t>& rejected,
                         const OutlierParams& p)
{
    const std::vector<std::uint8_t> before = rejected;
    std::vector<std::size_t> nb;
    std::vector<double> tmp;
    std::size_t flagged = 0;
    for (int z = 0; z < c[0]; ++z)
        for (int y = 0; y < c[1]; ++y)
            for (int x = 0; x < c[2]; ++x) {
                const std::size_t i = (static_cast<std::size_t>(z) * c[1] + y) * c[2] + x;
                if (before[i])
                    continue;
                nb.clear();
                forNeighbours(c, z, y, x, [&](std::size_t j) {
                    if (!before[j])
                        nb.push_back(j);
                });
                if (nb.size() < 7)  // fewer than a grid corner has: too few to judge a gradient from noise
                    continue;
                const Vec3 m = componentMedian(u, nb, tmp);
                tmp.clear();
                for (std::size_t j : nb)
                    tmp.push_back(dist(u[j], m));
                const double rm = median(tmp);
                if (dist(u[i], m) / (rm + p.epsilon_vox) > p.threshold) {
                    rejected[i] = 1;
                    ++flagged;
                }
            }
    return flagged;
}

bool replaceRejected(const std::array<int, 3>& c, std::vector<Vec3>& u, const std::vector<std::uint8_t>& rejected)
{
    std::vector<std::uint8_t> open = rejected;
    if (std::find(open.begin(), open.end(), 0) == open.end())
        return false;
    std::vector<std::size_t> nb, filled;
    std::vector<double> tmp;
    for (bool any = true; any;) {
        any = false;
        filled.clear();
        for (int z = 0; z < c[0]; ++z)
            for (int y = 0; y < c[1]; ++y)
                for (int x = 0; x < c[2]; ++x) {
                    const std::size_t i = (static_cast<std::size_t>(z) * c[1] + y) * c[2] + x;
                    if (!open[i])
                        continue;
                    nb.clear();
                    forNeighbours(c, z, y, x, [&](std::size_t j) {
                        if (!open[j])
                            nb.push_back(j);
                    });
                    if (nb.empty())
                        continue;
                    u[i] = componentMedian(u, nb, tmp);
                    filled.push_back(i);
                }
        // Newly filled vectors serve as neighbours only in the next sweep, so the fill is isotropic.
        for (std::size_t i : filled)
            open[i] = 0;
        any = !filled.empty();
    }
    return true;
}

} // namespace rfx
