#pragma once
// A vector-field layer (displacement, force density, nodal forces, tractions) drawn as arrows:
// one per node (every `glyphStride`-th along each axis; automatic: at most ~8,000 arrows), length proportional to the magnitude, coloured
// by magnitude over the layer's window with a colour bar titled with the unit. Vectors shorter than
// 2 % of the window's top are left out, so the noise floor does not hide the field.
#include <string>

#include <vtkSmartPointer.h>

#include "core/model/Volume.h"
#include "render/LayerStyle.h"

class vtkActor;
class vtkScalarBarActor;

namespace rfx::render {

struct VectorGlyphs {
    vtkSmartPointer<vtkActor> arrows;
    vtkSmartPointer<vtkScalarBarActor> colorBar;
    std::size_t drawn = 0;  // arrows drawn
};

// `field`: 3 components (x, y, z) on its grid (µm). Arrow length = magnitude x scale µm, where
// scale = style.glyphScale, or when that is 0, such that a vector at the window's top is 1.5
// strides long. Throws std::invalid_argument for a field that is not 3-component.
VectorGlyphs buildVectorGlyphs(const Volume& field, const LayerStyle& style, const std::string& title);

// Magnitude percentile (0..100) of a 3-component field: the automatic window's top.
double magnitudePercentile(const Volume& field, double percent);

} // namespace rfx::render
