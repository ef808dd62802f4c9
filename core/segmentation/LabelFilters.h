#pragma once
// Morphology and labelling on plain (z, y, x) buffers: connected components, hole filling,
// distance maps, h-maxima markers and marker-controlled watershed. Implemented with ITK in one
// translation unit (LabelFilters.cpp) so ITK's heavy headers stay out of the rest of core.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace rfx::seg {

using Shape = std::array<std::size_t, 3>;    // (z, y, x)
using Spacing = std::array<double, 3>;       // µm, (z, y, x)
using Mask = std::vector<std::uint8_t>;      // 0 / 1
using Labels = std::vector<std::int32_t>;    // 0 = background

// Components numbered 1..N in raster order of their first voxel: face-connected (6 neighbours)
// or, with fullyConnected, also through edges and corners (26). Components smaller than
// minVoxels are removed before numbering. Returns N.
int connectedComponents(const Mask& mask, const Shape& shape, std::size_t minVoxels, Labels& out,
                        bool fullyConnected = false);

// Fills cavities not connected to the volume border (3D).
void fillHoles(Mask& mask, const Shape& shape);

// Euclidean distance (µm) of every foreground voxel to the nearest background voxel; 0 outside.
std::vector<float> insideDistance(const Mask& mask, const Shape& shape, const Spacing& spacing);

// Markers for splitting touching blobs: connected components of the h-maxima of `height`
// (peaks that rise at least h above their surroundings), restricted to the mask. Returns the count.
int hMaximaMarkers(const std::vector<float>& height, const Mask& mask, const Shape& shape, double h, Labels& out);

// Gaussian smoothing with sigma in µm by ITK's recursive (IIR) filter: the cost per voxel does
// not grow with sigma, unlike a sampled kernel, which matters for the wide membrane smoothing.
void smoothGaussianRecursive(std::vector<float>& values, const Shape& shape, const Spacing& spacing, double sigma_um);

// Marker-controlled watershed flooding `elevation` from the markers (ITK's morphological
// watershed, no watershed lines: every voxel receives a marker's label).
Labels watershedFromMarkers(const std::vector<float>& elevation, const Labels& markers, const Shape& shape);
// The same on an 8-bit elevation: far fewer flooding levels, so much faster on large fields.
Labels watershedFromMarkers(const std::vector<std::uint8_t>& elevation, const Labels& markers, const Shape& shape);

} // namespace rfx::seg
