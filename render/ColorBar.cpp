#include "render/ColorBar.h"

#include <cmath>

#include <vtkLookupTable.h>
#include <vtkScalarBarActor.h>
#include <vtkTextProperty.h>

#include "render/Colormaps.h"

namespace rfx::render {

vtkSmartPointer<vtkLookupTable> colormapTable(const std::string& colormap, double low, double high, double gamma)
{
    auto lut = vtkSmartPointer<vtkLookupTable>::New();
    lut->SetNumberOfTableValues(256);
    lut->SetRange(low, high > low ? high : low + 1e-9);
    for (int k = 0; k < 256; ++k) {
        const Rgb c = colormapColor(colormap, std::pow(k / 255.0, gamma > 0 ? gamma : 1.0));
        lut->SetTableValue(k, c[0], c[1], c[2], 1.0);
    }
    const Rgb below = colormapColor(colormap, 0);
    lut->SetBelowRangeColor(below[0], below[1], below[2], 1);
    lut->Build();
    return lut;
}

vtkSmartPointer<vtkScalarBarActor> makeColorBar(vtkLookupTable* table, const std::string& title, int slot)
{
    auto bar = vtkSmartPointer<vtkScalarBarActor>::New();
    bar->SetLookupTable(table);
    bar->SetTitle(title.c_str());
    bar->SetNumberOfLabels(3);
    bar->SetLabelFormat("%.3g");
    // Horizontal, stacked upwards from the bottom right: long titles ("nucleus_data_std (a.u.)")
    // fit above a wide bar, and several bars never overlap one another.
    bar->SetOrientationToHorizontal();
    bar->SetTextPositionToPrecedeScalarBar();  // labels under the bar, apart from the title above it
    bar->SetPosition(0.55, 0.02 + 0.12 * slot);
    bar->SetWidth(0.42);
    bar->SetHeight(0.11);
    bar->SetMaximumHeightInPixels(64);
    bar->UnconstrainedFontSizeOn();  // VTK would shrink the text to the bar's size: unreadable
    bar->GetTitleTextProperty()->SetFontSize(12);
    bar->GetLabelTextProperty()->SetFontSize(11);
    return bar;
}

} // namespace rfx::render
