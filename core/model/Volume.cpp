#include "core/model/Volume.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "core/util/Errors.h"

namespace rfx {

std::size_t voxelTypeSize(VoxelType t)
{
    switch (t) {
    case VoxelType::UInt8: return 1;
    case VoxelType::UInt16: return 2;
    case VoxelType::Int32: return 4;
    case VoxelType::Float32: return 4;
    }
    return 0;
}

std::string voxelTypeName(VoxelType t)
{
    switch (t) {
    case VoxelType::UInt8: return "uint8";
    case VoxelType::UInt16: return "uint16";
    case VoxelType::Int32: return "int32";
    case VoxelType::Float32: return "float32";
    }
    return "?";
}

void checkAllocatable(const std::array<std::size_t, 3>& shape, VoxelType type, int components,
                      const std::string& what)
{
    if (shape[0] == 0 || shape[1] == 0 || shape[2] == 0 || components <= 0)
        throw InputError(what + ": empty volume (" + std::to_string(shape[0]) + "x" + std::to_string(shape[1]) +
                         "x" + std::to_string(shape[2]) + ")");
    // Multiply with overflow checks: declared sizes come from untrusted files.
    std::size_t total = voxelTypeSize(type) * static_cast<std::size_t>(components);
    for (std::size_t d : shape) {
        if (d > kMaxVolumeBytes || total > kMaxVolumeBytes / d)
            throw InputError(what + ": declared size " + std::to_string(shape[0]) + "x" + std::to_string(shape[1]) +
                             "x" + std::to_string(shape[2]) + " exceeds the " +
                             std::to_string(kMaxVolumeBytes >> 30) + " GiB limit");
        total *= d;
    }
}

Volume::Volume(const Grid& grid, VoxelType type, int components)
    : grid_(grid), type_(type), components_(components)
{
    if (components < 1)
        throw std::invalid_argument("Volume: components must be >= 1");
    bytes_.assign(grid.voxels() * voxelTypeSize(type) * static_cast<std::size_t>(components), 0);
}

double Volume::valueAt(std::size_t i) const
{
    switch (type_) {
    case VoxelType::UInt8: return reinterpret_cast<const std::uint8_t*>(bytes_.data())[i];
    case VoxelType::UInt16: return reinterpret_cast<const std::uint16_t*>(bytes_.data())[i];
    case VoxelType::Int32: return reinterpret_cast<const std::int32_t*>(bytes_.data())[i];
    case VoxelType::Float32: return reinterpret_cast<const float*>(bytes_.data())[i];
    }
    return 0.0;
}

namespace {
template <class From, class To> void convertInto(const From* src, To* dst, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        dst[i] = static_cast<To>(src[i]);
}
template <class To> void convertAll(const Volume& v, To* dst)
{
    const std::size_t n = v.values();
    switch (v.type()) {
    case VoxelType::UInt8: convertInto(v.data<std::uint8_t>(), dst, n); break;
    case VoxelType::UInt16: convertInto(v.data<std::uint16_t>(), dst, n); break;
    case VoxelType::Int32: convertInto(v.data<std::int32_t>(), dst, n); break;
    case VoxelType::Float32: convertInto(v.data<float>(), dst, n); break;
    }
}
} // namespace

Volume Volume::converted(VoxelType to) const
{
    if (to == type_)
        return *this;
    Volume out(grid_, to, components_);
    switch (to) {
    case VoxelType::UInt8: convertAll(*this, out.data<std::uint8_t>()); break;
    case VoxelType::UInt16: convertAll(*this, out.data<std::uint16_t>()); break;
    case VoxelType::Int32: convertAll(*this, out.data<std::int32_t>()); break;
    case VoxelType::Float32: convertAll(*this, out.data<float>()); break;
    }
    return out;
}

Volume Volume::toFloat() const { return converted(VoxelType::Float32); }

std::pair<double, double> Volume::range() const
{
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    const std::size_t n = values();
    for (std::size_t i = 0; i < n; ++i) {
        const double v = valueAt(i);
        if (!std::isfinite(v))
            continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    if (lo > hi)
        return {0.0, 0.0};
    return {lo, hi};
}

std::size_t Volume::nonFiniteCount() const
{
    if (type_ != VoxelType::Float32)
        return 0;
    const float* p = data<float>();
    std::size_t bad = 0;
    for (std::size_t i = 0, n = values(); i < n; ++i)
        bad += !std::isfinite(p[i]);
    return bad;
}

} // namespace rfx
