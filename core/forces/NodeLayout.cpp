#include "core/forces/NodeLayout.h"

#include <algorithm>
#include <cmath>

namespace rfx {

NodeLayout NodeLayout::make(const std::array<std::size_t, 3>& volume, const std::array<int, 3>& window, double overlap)
{
    NodeLayout l;
    for (int a = 0; a < 3; ++a) {
        const int n = static_cast<int>(volume[a]);
        int w = std::min(window[a], n - n % 2);
        l.window[a] = w;
        l.step[a] = std::max(1, static_cast<int>(std::lround(w * (1.0 - overlap))));
        l.count[a] = (n - w) / l.step[a] + 1;
        l.first[a] = (n - w - (l.count[a] - 1) * l.step[a]) / 2;
    }
    return l;
}

void NodeLayout::bracket(int axis, double c, int& k0, double& t) const
{
    const double k = (c - centre(axis, 0)) / step[axis];
    const int last = count[axis] - 1;
    if (last == 0 || k <= 0) {
        k0 = 0;
        t = 0;
    } else if (k >= last) {
        k0 = last - 1;
        t = 1;
    } else {
        k0 = static_cast<int>(std::floor(k));
        t = k - k0;
    }
}

Vec3 NodeLayout::interpolate(const std::vector<Vec3>& values, const Vec3& p) const
{
    int k[3];
    double t[3];
    for (int a = 0; a < 3; ++a)
        bracket(a, p[a], k[a], t[a]);
    Vec3 out{0, 0, 0};
    for (int dz = 0; dz < 2; ++dz) {
        const double wz = dz ? t[0] : 1 - t[0];
        if (wz == 0)
            continue;
        for (int dy = 0; dy < 2; ++dy) {
            const double wy = wz * (dy ? t[1] : 1 - t[1]);
            if (wy == 0)
                continue;
            for (int dx = 0; dx < 2; ++dx) {
                const double w = wy * (dx ? t[2] : 1 - t[2]);
                if (w == 0)
                    continue;
                const Vec3& v = values[index(k[0] + dz, k[1] + dy, k[2] + dx)];
                for (int a = 0; a < 3; ++a)
                    out[a] += w * v[a];
            }
        }
    }
    return out;
}

std::array<int, 3> windowShape(int window, const std::array<double, 3>& spacing)
{
    const double finest = std::min({spacing[0], spacing[1], spacing[2]});
    std::array<int, 3> w{};
    for (int a = 0; a < 3; ++a) {
        const int v = static_cast<int>(std::lround(window * finest / spacing[a] / 2.0)) * 2;
        w[a] = std::max(8, v);
    }
    return w;
}

std::vector<double> tukeyWindow(int n)
{
    std::vector<double> w(static_cast<std::size_t>(std::max(n, 0)), 1.0);
    const double alpha = 0.5, edge = alpha * (n - 1) / 2.0, pi = 3.14159265358979323846;
    for (int i = 0; i < n; ++i) {
        const double d = std::min<double>(i, n - 1 - i);
        if (d < edge)
            w[static_cast<std::size_t>(i)] = 0.5 * (1.0 - std::cos(pi * d / edge));
    }
    return w;
}

} // namespace rfx
