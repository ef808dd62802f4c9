#pragma once
// Colour maps for layers: gray, magma (uncertainty), turbo (vector magnitudes), glasbey-like
// distinct colours for label volumes. Small tables interpolated linearly; no VTK here.
#include <array>
#include <string>
#include <vector>

namespace rfx::render {

using Rgb = std::array<float, 3>;

// Colour at t in [0, 1] for a named map; unknown names give gray.
Rgb colormapColor(const std::string& name, double t);
// Distinct colour for label value `label` (> 0); stable across frames and runs.
Rgb labelColor(long long label);
// Names offered in the layers panel.
const std::vector<std::string>& colormapNames();

} // namespace rfx::render
