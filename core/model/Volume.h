#pragma once
// A typed voxel volume: contiguous (z, y, x[, component]) storage plus its Grid.
// Values are stored as-is; conversion helpers give float copies for processing.
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <vector>

#include "core/model/Grid.h"
#include "core/model/VoxelType.h"

namespace rfx {

class Volume {
public:
    Volume() = default;
    // Zero-filled volume. components > 1 stores interleaved vectors (z, y, x, c).
    Volume(const Grid& grid, VoxelType type, int components = 1);

    template <class T> static Volume zeros(const Grid& grid, int components = 1)
    {
        return Volume(grid, VoxelTypeOf<T>::value, components);
    }

    const Grid& grid() const { return grid_; }
    Grid& grid() { return grid_; }  // spacing/origin may change; shape must not
    const std::array<std::size_t, 3>& shape() const { return grid_.shape; }
    VoxelType type() const { return type_; }
    int components() const { return components_; }
    std::size_t voxels() const { return grid_.voxels(); }
    std::size_t values() const { return grid_.voxels() * static_cast<std::size_t>(components_); }
    std::size_t bytes() const { return bytes_.size(); }
    bool empty() const { return bytes_.empty(); }

    template <class T> T* data()
    {
        checkType(VoxelTypeOf<T>::value);
        return reinterpret_cast<T*>(bytes_.data());
    }
    template <class T> const T* data() const
    {
        checkType(VoxelTypeOf<T>::value);
        return reinterpret_cast<const T*>(bytes_.data());
    }
    void* raw() { return bytes_.data(); }
    const void* raw() const { return bytes_.data(); }

    // Value at linear index i (component-interleaved), whatever the storage type.
    double valueAt(std::size_t i) const;
    template <class T> T& at(std::size_t z, std::size_t y, std::size_t x)
    {
        return data<T>()[grid_.index(z, y, x)];
    }
    template <class T> const T& at(std::size_t z, std::size_t y, std::size_t x) const
    {
        return data<T>()[grid_.index(z, y, x)];
    }

    // Converted copy (value-preserving; no scaling).
    Volume toFloat() const;
    Volume converted(VoxelType to) const;

    // Min and max over finite values; {0,0} for an empty volume.
    std::pair<double, double> range() const;
    // Number of NaN or Inf voxels (float volumes only; 0 otherwise).
    std::size_t nonFiniteCount() const;

private:
    void checkType(VoxelType t) const
    {
        if (t != type_)
            throw std::logic_error("Volume: accessed as " + voxelTypeName(t) + " but stored as " +
                                   voxelTypeName(type_));
    }

    Grid grid_;
    VoxelType type_ = VoxelType::Float32;
    int components_ = 1;
    std::vector<unsigned char> bytes_;
};

using VolumePtr = std::shared_ptr<const Volume>;

// Largest volume any reader will allocate (bytes); declared sizes beyond it are refused
// before allocation. 16 GiB covers stitched 2048x2048x256 float fields.
constexpr std::size_t kMaxVolumeBytes = std::size_t(16) << 30;

// Throws InputError naming `what` if shape*type*components is zero-sized or beyond kMaxVolumeBytes.
void checkAllocatable(const std::array<std::size_t, 3>& shape, VoxelType type, int components,
                      const std::string& what);

} // namespace rfx
