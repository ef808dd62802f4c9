#pragma once
// The regular grid of correlation windows over a volume: per axis (z, y, x) a window size, a step
// and a node count, windows centred in the volume and lying wholly inside it.
#include <array>
#include <cstddef>
#include <vector>

namespace rfx {

using Vec3 = std::array<double, 3>;  // (z, y, x) in voxels, internal to the correlator

struct NodeLayout {
    std::array<int, 3> window{0, 0, 0};  // voxels
    std::array<int, 3> step{0, 0, 0};
    std::array<int, 3> count{0, 0, 0};
    std::array<int, 3> first{0, 0, 0};   // start voxel of the first window

    // window extents are clipped to the volume (kept even); step = window * (1 - overlap), at least 1.
    static NodeLayout make(const std::array<std::size_t, 3>& volume, const std::array<int, 3>& window, double overlap);

    std::size_t nodes() const { return static_cast<std::size_t>(count[0]) * count[1] * count[2]; }
    std::size_t index(int z, int y, int x) const { return (static_cast<std::size_t>(z) * count[1] + y) * count[2] + x; }
    int start(int axis, int k) const { return first[axis] + k * step[axis]; }
    // Window centre in voxel coordinates (half-integer for even windows).
    double centre(int axis, int k) const { return start(axis, k) + 0.5 * (window[axis] - 1); }

    // Trilinear interpolation of per-node vectors at voxel position p; constant beyond the outer nodes.
    Vec3 interpolate(const std::vector<Vec3>& values, const Vec3& p) const;
    // Lower node index and weight of the upper node along one axis for coordinate c.
    void bracket(int axis, double c, int& k0, double& t) const;
};

// Window (z, y, x) voxels for a window edge of `window` voxels along the most finely sampled axis: the
// other axes get the even size closest to the same physical extent, at least 8.
std::array<int, 3> windowShape(int window, const std::array<double, 3>& spacing_um);

// Apodisation of a correlation window along one axis of n voxels: Tukey (alpha 0.5), flat centre
// half, cosine tapers over the outer quarters. Gentler than a Hann window, which would halve the
// effective window and so the number of beads per window.
std::vector<double> tukeyWindow(int n);

} // namespace rfx
