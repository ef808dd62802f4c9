#pragma once
// Small, fast filters for the synthetic generators (float volumes in (z, y, x) order).
#include <array>
#include <cstddef>
#include <vector>

namespace rfx::synth {

// Separable convolution with edge replication; a kernel of size 1 (or empty) skips that axis.
// Kernels have odd length and are centred.
void convolveSeparable(float* v, const std::array<std::size_t, 3>& shape, const std::vector<float>& kz,
                       const std::vector<float>& ky, const std::vector<float>& kx);

// Normalised Gaussian kernel, radius ceil(3 sigma); sigma <= 0 gives {1}.
std::vector<float> gaussianKernel(double sigma_vox);

// Anisotropic Gaussian blur, sigmas in voxels (z, y, x).
void gaussianBlur3D(float* v, const std::array<std::size_t, 3>& shape, const std::array<double, 3>& sigma_vox);

// [1 2 1]/4 along every axis (sigma ~0.7 voxel): the "blurred a little" of fluorescence truth.
void binomialBlur3D(float* v, const std::array<std::size_t, 3>& shape);

// Exact squared Euclidean distance transform of a 2D (ny, nx) map in place: inputs are 0 at sites and
// a large value elsewhere; outputs squared distances in the units of the spacings.
void distanceTransform2D(float* f, std::size_t ny, std::size_t nx, double sy, double sx);

} // namespace rfx::synth
