#pragma once
// Translation between two equally shaped 3D volumes by phase correlation (FFTW, single precision):
// normalised cross-power spectrum, the strongest few peaks, each peak's wrap-around readings
// (s or s − N per axis) scored by the Pearson correlation of the voxels that actually overlap,
// a climb of that correlation to its local maximum, and a parabolic sub-voxel fit of it per axis.
#include <array>

#include "core/model/Volume.h"

namespace rfx {

struct PhaseCorrelationOptions {
    int peaks = 4;                  // FFT peaks examined
    double minOverlapFraction = 0.25;  // per axis: a candidate must keep this share of the extent
};

struct PhaseCorrelationResult {
    std::array<double, 3> shift{0, 0, 0};  // (z, y, x) voxels: b(v) ≈ a(v − shift)
    double correlation = 0;                // Pearson r of the overlap at the integer shift
    bool found = false;                    // false when no candidate kept enough overlap
};

// a and b: scalar volumes of the same shape (any storage type). std::invalid_argument otherwise.
PhaseCorrelationResult phaseCorrelate(const Volume& a, const Volume& b, const PhaseCorrelationOptions& options = {});

} // namespace rfx
