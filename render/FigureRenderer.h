#pragma once
// Renders one figure of a set of layers into an offscreen window and writes a PNG: the 3D view
// (composite, MIP or iso-surface, with scale bar, axes, legend and time) or one orthogonal
// slice. The CLI's `render` command and the GUI's figure export share it, so both draw the same.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "render/ChannelCompositor.h"
#include "render/SceneLayer.h"
#include "render/VolumeScene.h"

namespace rfx::render {

struct FigureOptions {
    bool slice = false;                      // slice instead of 3D
    RenderMode mode = RenderMode::Composite; // 3D mode
    SliceAxis axis = SliceAxis::XY;          // slice mode
    std::optional<std::array<double, 3>> position;  // slice plane (µm, x-y-z); default: centre
    std::optional<CameraState> camera;       // default: the standard oblique view
    int width = 1200;
    int height = 900;
    std::string timeText;
    bool annotations = true;
};

// The layers a figure draws: visible, with data; vector fields in 3D only. Throws when none.
std::vector<SceneLayer> figureLayers(const std::vector<SceneLayer>& layers, bool slice);

// Sets up a 3D scene as a figure shows it (mode, layers, annotations, time, camera, full-quality
// rays) without rendering; movies reuse it frame by frame.
void setUpFigureScene(VolumeScene& scene, const std::vector<SceneLayer>& visible, const FigureOptions& options);

// Throws std::runtime_error when no offscreen context can be made or the file cannot be written.
void renderFigure(const std::vector<SceneLayer>& layers, const FigureOptions& options, const std::string& pngPath);

} // namespace rfx::render
