#pragma once
// Colour scales shown beside the 3D view: the lookup table of a colour map over a value range,
// and the scalar bar that labels it (title with the unit, four labels). Vector layers (arrows)
// and colour-mapped scalar layers (RI, uncertainty) use the same bars.
#include <string>

#include <vtkSmartPointer.h>

class vtkLookupTable;
class vtkScalarBarActor;

namespace rfx::render {

// `gamma` as the blend applies it: the colour at fraction t of the range is the map's at t^gamma.
vtkSmartPointer<vtkLookupTable> colormapTable(const std::string& colormap, double low, double high, double gamma = 1.0);
// A bar for `table` at the bottom right; `slot` 0, 1, ... stacks further bars above it.
vtkSmartPointer<vtkScalarBarActor> makeColorBar(vtkLookupTable* table, const std::string& title, int slot);

} // namespace rfx::render
