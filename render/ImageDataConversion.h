#pragma once
// Core volumes -> vtkImageData. Core stores (z, y, x) with spacing in that order; VTK uses
// (x, y, z), so the order is reversed here and nowhere else.
#include <vtkSmartPointer.h>

class vtkImageData;

namespace rfx {
class Volume;

namespace render {

// Copies the voxels as float32 (one component per volume component).
vtkSmartPointer<vtkImageData> toImageData(const Volume& volume);

} // namespace render
} // namespace rfx
