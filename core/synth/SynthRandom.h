#pragma once
// Deterministic random numbers for the synthetic generators. std::*_distribution output is
// implementation-defined (libstdc++, libc++ and MSVC give different streams for one seed), so the
// distributions are written out here on top of xoshiro256** seeded through splitmix64.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace rfx::synth {

inline std::uint64_t splitmix64(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Stateless mixing of a seed with a stream id / lattice coordinate: independent sub-streams
// (per cell, per frame, per organelle kind) that do not shift when another stream draws more.
inline std::uint64_t mix64(std::uint64_t a, std::uint64_t b)
{
    std::uint64_t s = a ^ (b * 0xd1b54a32d192ed03ULL + 0x632be59bd9b4e019ULL);
    return splitmix64(s);
}

class Rng {
public:
    explicit Rng(std::uint64_t seed, std::uint64_t stream = 0)
    {
        std::uint64_t sm = mix64(seed, stream);
        for (auto& w : s_)
            w = splitmix64(sm);
    }

    std::uint64_t next()
    {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    // [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Integer in [lo, hi] (inclusive).
    int uniformInt(int lo, int hi)
    {
        const double n = static_cast<double>(hi) - lo + 1;
        return lo + std::min(static_cast<int>(uniform() * n), hi - lo);
    }
    bool chance(double p) { return uniform() < p; }
    // Standard normal (Box-Muller; the second value is kept for the next call).
    double normal()
    {
        if (hasSpare_) {
            hasSpare_ = false;
            return spare_;
        }
        double u1 = uniform();
        while (u1 <= 0.0)
            u1 = uniform();
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double a = 6.283185307179586 * u2;
        spare_ = r * std::sin(a);
        hasSpare_ = true;
        return r * std::cos(a);
    }
    double normal(double mean, double sd) { return mean + sd * normal(); }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
    double spare_ = 0.0;
    bool hasSpare_ = false;
};

// Adds N(0, sd²) to n values.
inline void addGaussianNoise(float* v, std::size_t n, float sd, Rng& rng)
{
    for (std::size_t i = 0; i < n; ++i)
        v[i] += static_cast<float>(sd * rng.normal());
}

// Smooth value noise in [-1, 1]: hashed lattice values, smoothstep-trilinear interpolation.
// Coordinates are in lattice units; evaluating in a cell's own frame makes texture move with it.
inline float latticeValue(std::uint64_t seed, std::int64_t x, std::int64_t y, std::int64_t z)
{
    std::uint64_t h = mix64(mix64(mix64(seed, static_cast<std::uint64_t>(x)), static_cast<std::uint64_t>(y)),
                            static_cast<std::uint64_t>(z));
    return static_cast<float>(static_cast<double>(h >> 11) * 0x1.0p-52 - 1.0);
}

inline float valueNoise3(std::uint64_t seed, double x, double y, double z)
{
    const double fx = std::floor(x), fy = std::floor(y), fz = std::floor(z);
    const auto ix = static_cast<std::int64_t>(fx), iy = static_cast<std::int64_t>(fy),
               iz = static_cast<std::int64_t>(fz);
    auto smooth = [](double t) { return static_cast<float>(t * t * (3.0 - 2.0 * t)); };
    const float tx = smooth(x - fx), ty = smooth(y - fy), tz = smooth(z - fz);
    float c[2][2];
    for (int dz = 0; dz < 2; ++dz)
        for (int dy = 0; dy < 2; ++dy) {
            const float a = latticeValue(seed, ix, iy + dy, iz + dz);
            const float b = latticeValue(seed, ix + 1, iy + dy, iz + dz);
            c[dz][dy] = a + (b - a) * tx;
        }
    const float c0 = c[0][0] + (c[0][1] - c[0][0]) * ty;
    const float c1 = c[1][0] + (c[1][1] - c[1][0]) * ty;
    return c0 + (c1 - c0) * tz;
}

} // namespace rfx::synth
