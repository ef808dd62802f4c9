#pragma once
// Float32 access to a scalar volume of any storage type without copying float volumes: metrics
// and stitching read labels (int32) and raw counts (uint8/16) through the same code path.
#include "core/model/Volume.h"

namespace rfx {

class FloatVoxels {
public:
    explicit FloatVoxels(const Volume& v)
    {
        if (v.type() == VoxelType::Float32) {
            data_ = v.data<float>();
        } else {
            copy_ = v.toFloat();
            data_ = copy_.data<float>();
        }
    }
    FloatVoxels(const FloatVoxels&) = delete;
    FloatVoxels& operator=(const FloatVoxels&) = delete;
    const float* data() const { return data_; }
    float operator[](std::size_t i) const { return data_[i]; }

private:
    Volume copy_;
    const float* data_ = nullptr;
};

} // namespace rfx
