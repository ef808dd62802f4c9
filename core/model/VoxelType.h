#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace rfx {

// Voxel storage types. Labels use Int32; RI and predictions Float32; raw camera data U8/U16.
enum class VoxelType : std::uint8_t { UInt8, UInt16, Int32, Float32 };

std::size_t voxelTypeSize(VoxelType t);
std::string voxelTypeName(VoxelType t);

template <class T> struct VoxelTypeOf;
template <> struct VoxelTypeOf<std::uint8_t> { static constexpr VoxelType value = VoxelType::UInt8; };
template <> struct VoxelTypeOf<std::uint16_t> { static constexpr VoxelType value = VoxelType::UInt16; };
template <> struct VoxelTypeOf<std::int32_t> { static constexpr VoxelType value = VoxelType::Int32; };
template <> struct VoxelTypeOf<float> { static constexpr VoxelType value = VoxelType::Float32; };

} // namespace rfx
