#include "render/FigureRenderer.h"

#include <stdexcept>

#include <vtkRenderWindow.h>
#include <vtkRenderer.h>

#include "render/OffscreenWindow.h"
#include "render/RenderLock.h"
#include "render/SliceScene.h"

namespace rfx::render {

std::vector<SceneLayer> figureLayers(const std::vector<SceneLayer>& layers, bool slice)
{
    std::vector<SceneLayer> visible;
    for (const auto& l : layers)
        if (l.style.visible && l.volume && (l.volume->components() == 1 || (l.volume->components() == 3 && !slice)))
            visible.push_back(l);
    if (visible.empty())
        throw std::runtime_error(slice ? "nothing to render: no visible scalar layer (vector fields are drawn in 3D only)"
                                       : "nothing to render: no visible layer");
    return visible;
}

void setUpFigureScene(VolumeScene& scene, const std::vector<SceneLayer>& visible, const FigureOptions& options)
{
    scene.setMode(options.mode);
    scene.setLayers(visible);
    scene.setTimeText(options.timeText);
    scene.setScaleBarVisible(options.annotations);
    scene.setAxesVisible(options.annotations);
    if (options.camera)
        scene.setCamera(*options.camera);
    else
        scene.resetCamera();
}

void renderFigure(const std::vector<SceneLayer>& layers, const FigureOptions& options, const std::string& pngPath)
{
    const std::vector<SceneLayer> visible = figureLayers(layers, options.slice);
    auto window = makeOffscreenWindow(options.width, options.height);
    if (options.slice) {
        const SceneLayer* ref = &visible.front();
        for (const auto& l : visible)
            if (l.role == ChannelRole::RefractiveIndex) {
                ref = &l;
                break;
            }
        std::vector<CompositeLayer> inputs;
        for (const auto& l : visible)
            inputs.push_back({l.volume, l.style, l.fade, l.fadeHigh});
        ChannelCompositor compositor(std::move(inputs), ref->volume->grid());
        const Grid& g = compositor.grid();
        std::array<double, 3> centre;
        for (int a = 0; a < 3; ++a)
            centre[2 - a] = g.origin_um[a] + 0.5 * double(g.shape[a] - 1) * g.spacing_um[a];
        SliceScene scene(window, options.axis);
        scene.show(compositor, options.position.value_or(centre));
        scene.resetCamera();
        const RenderGuard turn;
        window->Render();
        writeWindowPng(window, pngPath);
        return;
    }
    VolumeScene scene(window);
    setUpFigureScene(scene, visible, options);
    // A still figure gets full-quality rays.
    window->SetDesiredUpdateRate(0.0001);
    const RenderGuard turn;
    window->Render();
    writeWindowPng(window, pngPath);
}

} // namespace rfx::render
