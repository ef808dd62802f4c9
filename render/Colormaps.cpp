#include "render/Colormaps.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace rfx::render {

namespace {

// Control points sampled from matplotlib's magma and Google's turbo at t = 0, 1/8, ..., 1.
constexpr Rgb kMagma[] = {{0.001f, 0.000f, 0.014f}, {0.112f, 0.065f, 0.276f}, {0.316f, 0.071f, 0.485f},
                          {0.513f, 0.148f, 0.508f}, {0.716f, 0.215f, 0.475f}, {0.904f, 0.310f, 0.388f},
                          {0.986f, 0.533f, 0.382f}, {0.996f, 0.767f, 0.535f}, {0.987f, 0.991f, 0.750f}};
constexpr Rgb kTurbo[] = {{0.190f, 0.072f, 0.232f}, {0.254f, 0.389f, 0.859f}, {0.157f, 0.684f, 0.977f},
                          {0.150f, 0.901f, 0.700f}, {0.480f, 0.991f, 0.353f}, {0.800f, 0.910f, 0.213f},
                          {0.989f, 0.652f, 0.190f}, {0.889f, 0.310f, 0.065f}, {0.480f, 0.016f, 0.011f}};

template <std::size_t N> Rgb interpolate(const Rgb (&table)[N], double t)
{
    t = std::clamp(t, 0.0, 1.0) * double(N - 1);
    const std::size_t i = std::min<std::size_t>(N - 2, static_cast<std::size_t>(t));
    const float w = static_cast<float>(t - double(i));
    return {table[i][0] + w * (table[i + 1][0] - table[i][0]), table[i][1] + w * (table[i + 1][1] - table[i][1]),
            table[i][2] + w * (table[i + 1][2] - table[i][2])};
}

} // namespace

Rgb colormapColor(const std::string& name, double t)
{
    if (name == "magma")
        return interpolate(kMagma, t);
    if (name == "turbo")
        return interpolate(kTurbo, t);
    const float g = static_cast<float>(std::clamp(t, 0.0, 1.0));
    return {g, g, g};
}

Rgb labelColor(long long label)
{
    // Golden-ratio hue walk with alternating brightness: neighbouring labels stay distinct.
    const double h = std::fmod(0.13 + 0.618033988749895 * double(label), 1.0) * 6.0;
    const double s = 0.75, v = (label % 2) ? 1.0 : 0.8;
    const int i = static_cast<int>(h);
    const double f = h - i, p = v * (1 - s), q = v * (1 - s * f), u = v * (1 - s * (1 - f));
    double r = v, g = u, b = p;
    switch (i % 6) {
    case 0: r = v; g = u; b = p; break;
    case 1: r = q; g = v; b = p; break;
    case 2: r = p; g = v; b = u; break;
    case 3: r = p; g = q; b = v; break;
    case 4: r = u; g = p; b = v; break;
    default: r = v; g = p; b = q; break;
    }
    return {float(r), float(g), float(b)};
}

const std::vector<std::string>& colormapNames()
{
    static const std::vector<std::string> names = {"", "gray", "magma", "turbo", "glasbey"};
    return names;
}

} // namespace rfx::render
