#include "render/VectorGlyphs.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <vtkActor.h>
#include <vtkArrowSource.h>
#include <vtkDoubleArray.h>
#include <vtkFloatArray.h>
#include <vtkGlyph3D.h>
#include <vtkLookupTable.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkScalarBarActor.h>
#include <vtkTextProperty.h>

#include "render/ColorBar.h"
#include "render/Colormaps.h"

namespace rfx::render {

namespace {

double magnitudeAt(const float* v, std::size_t i)
{
    const float* p = v + 3 * i;
    return std::sqrt(double(p[0]) * p[0] + double(p[1]) * p[1] + double(p[2]) * p[2]);
}

// The field's values as float32: the volume itself when it already is, else a converted copy.
const float* floatValues(const Volume& field, Volume& converted)
{
    if (field.type() == VoxelType::Float32)
        return field.data<float>();
    converted = field.toFloat();
    return converted.data<float>();
}

} // namespace

double magnitudePercentile(const Volume& field, double percent)
{
    if (field.components() != 3)
        throw std::invalid_argument("magnitudePercentile: not a 3-component field");
    Volume converted;
    const float* v = floatValues(field, converted);
    std::vector<double> m;
    m.reserve(field.voxels());
    for (std::size_t i = 0; i < field.voxels(); ++i) {
        const double a = magnitudeAt(v, i);
        if (std::isfinite(a))
            m.push_back(a);
    }
    if (m.empty())
        return 0;
    const std::size_t k = std::min(m.size() - 1, static_cast<std::size_t>(std::clamp(percent, 0.0, 100.0) / 100.0 * double(m.size() - 1) + 0.5));
    std::nth_element(m.begin(), m.begin() + static_cast<long>(k), m.end());
    return m[k];
}

VectorGlyphs buildVectorGlyphs(const Volume& field, const LayerStyle& style, const std::string& title)
{
    if (field.components() != 3)
        throw std::invalid_argument("buildVectorGlyphs: not a 3-component field");
    const Grid& g = field.grid();
    Volume converted;
    const float* v = floatValues(field, converted);
    const double top = style.windowHigh > style.windowLow ? style.windowHigh : std::max(magnitudePercentile(field, 99.0), 1e-30);
    const double bottom = style.windowHigh > style.windowLow ? std::max(0.0, style.windowLow) : 0.0;
    // Automatic subsampling: at most ~8,000 nodes get an arrow (a DVC grid is drawn whole; a field on
    // the image grid would otherwise become millions of arrows).
    const double nodes = double(g.voxels());
    const int stride = style.glyphStride > 0 ? style.glyphStride : std::max(1, int(std::ceil(std::cbrt(nodes / 8000.0))));
    const double minSpacing = std::min({g.spacing_um[0], g.spacing_um[1], g.spacing_um[2]});
    const double scale = style.glyphScale > 0 ? style.glyphScale : 1.5 * minSpacing * stride / top;

    auto points = vtkSmartPointer<vtkPoints>::New();
    auto vectors = vtkSmartPointer<vtkDoubleArray>::New();
    vectors->SetNumberOfComponents(3);
    vectors->SetName("vectors");
    auto magnitude = vtkSmartPointer<vtkDoubleArray>::New();
    magnitude->SetName("magnitude");
    for (std::size_t z = 0; z < g.shape[0]; z += static_cast<std::size_t>(stride))
        for (std::size_t y = 0; y < g.shape[1]; y += static_cast<std::size_t>(stride))
            for (std::size_t x = 0; x < g.shape[2]; x += static_cast<std::size_t>(stride)) {
                const std::size_t i = (z * g.shape[1] + y) * g.shape[2] + x;
                const double m = magnitudeAt(v, i);
                if (!std::isfinite(m) || m < 0.02 * top)
                    continue;
                points->InsertNextPoint(g.origin_um[2] + double(x) * g.spacing_um[2], g.origin_um[1] + double(y) * g.spacing_um[1],
                                        g.origin_um[0] + double(z) * g.spacing_um[0]);
                const float* p = v + 3 * i;
                vectors->InsertNextTuple3(p[0] * scale, p[1] * scale, p[2] * scale);
                magnitude->InsertNextValue(m);
            }
    auto poly = vtkSmartPointer<vtkPolyData>::New();
    poly->SetPoints(points);
    poly->GetPointData()->SetVectors(vectors);
    poly->GetPointData()->SetScalars(magnitude);

    auto arrow = vtkSmartPointer<vtkArrowSource>::New();
    arrow->SetTipResolution(10);
    arrow->SetShaftResolution(8);
    auto glyph = vtkSmartPointer<vtkGlyph3D>::New();
    glyph->SetInputData(poly);
    glyph->SetSourceConnection(arrow->GetOutputPort());
    glyph->SetVectorModeToUseVector();
    glyph->SetScaleModeToScaleByVector();  // the vectors were pre-scaled to µm
    glyph->SetScaleFactor(1.0);
    glyph->SetColorModeToColorByScalar();
    glyph->OrientOn();

    const std::string map = style.colormap.empty() ? "turbo" : style.colormap;
    auto lut = colormapTable(map, bottom, top);
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputConnection(glyph->GetOutputPort());
    mapper->SetLookupTable(lut);
    mapper->SetScalarRange(bottom, top);
    mapper->SetColorModeToMapScalars();
    mapper->ScalarVisibilityOn();

    VectorGlyphs out;
    out.drawn = static_cast<std::size_t>(points->GetNumberOfPoints());
    out.arrows = vtkSmartPointer<vtkActor>::New();
    out.arrows->SetMapper(mapper);
    out.arrows->GetProperty()->SetOpacity(std::clamp(style.opacity, 0.05, 1.0));
    out.colorBar = makeColorBar(lut, title, 0);
    return out;
}

} // namespace rfx::render
