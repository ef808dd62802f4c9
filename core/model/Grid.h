#pragma once
// Geometry of a voxel volume: shape, physical spacing and origin, all in (z, y, x) order.
#include <array>
#include <cstddef>

namespace rfx {

struct Grid {
    std::array<std::size_t, 3> shape{0, 0, 0};        // voxels (z, y, x)
    std::array<double, 3> spacing_um{1.0, 1.0, 1.0};  // µm per voxel (z, y, x)
    std::array<double, 3> origin_um{0.0, 0.0, 0.0};   // physical position of voxel (0,0,0) centre

    std::size_t voxels() const { return shape[0] * shape[1] * shape[2]; }
    std::size_t index(std::size_t z, std::size_t y, std::size_t x) const { return (z * shape[1] + y) * shape[2] + x; }
    double voxelVolume_um3() const { return spacing_um[0] * spacing_um[1] * spacing_um[2]; }
    bool sameShape(const Grid& o) const { return shape == o.shape; }
    bool operator==(const Grid& o) const
    {
        return shape == o.shape && spacing_um == o.spacing_um && origin_um == o.origin_um;
    }
};

} // namespace rfx
