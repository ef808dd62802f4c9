// The 3D scene's level of detail: a large scene is drawn from the interactive (coarser) blend
// while the window asks for an interactive rate and from the full blend for a still frame; a
// small scene always from the full blend. Rendered for real (offscreen: X or EGL).
#include <catch2/catch.hpp>

#include <cmath>

#include <vtkPropCollection.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkScalarBarActor.h>
#include <vtkScalarsToColors.h>
#include <vtkUnsignedCharArray.h>

#include "render/BlendCache.h"
#include "render/OffscreenWindow.h"
#include "render/VolumeScene.h"

using namespace rfx;
using namespace rfx::render;

namespace {

// A bright ball in a dark field: something to see from any direction.
std::vector<SceneLayer> ballScene(std::size_t nz, std::size_t ny, std::size_t nx)
{
    Grid g;
    g.shape = {nz, ny, nx};
    g.spacing_um = {0.4, 0.1, 0.1};
    auto v = std::make_shared<Volume>(Volume::zeros<float>(g));
    float* d = v->data<float>();
    const double cz = nz * 0.2, cy = ny * 0.05, cx = nx * 0.05, r = 0.35 * std::min(cy, cx);
    for (std::size_t z = 0; z < nz; ++z)
        for (std::size_t y = 0; y < ny; ++y)
            for (std::size_t x = 0; x < nx; ++x) {
                const double dz = z * 0.4 - cz, dy = y * 0.1 - cy, dx = x * 0.1 - cx;
                d[(z * ny + y) * nx + x] = std::sqrt(dz * dz + dy * dy + dx * dx) < r ? 1.37f : 1.337f;
            }
    SceneLayer l;
    l.name = "ri";
    l.role = ChannelRole::RefractiveIndex;
    l.volume = v;
    l.style.color = {1, 1, 1};
    l.style.windowLow = 1.337;
    l.style.windowHigh = 1.39;
    l.style.opacity = 1.0;
    return {l};
}

double brightFraction(vtkRenderWindow* w)
{
    auto px = vtkSmartPointer<vtkUnsignedCharArray>::New();
    const int* s = w->GetSize();
    w->GetRGBACharPixelData(0, 0, s[0] - 1, s[1] - 1, 0, px);
    std::size_t bright = 0;
    const std::size_t n = static_cast<std::size_t>(px->GetNumberOfTuples());
    for (std::size_t i = 0; i < n; ++i)
        bright += px->GetValue(vtkIdType(4 * i)) > 60;
    return double(bright) / double(n);
}

} // namespace

TEST_CASE("a large scene is drawn from the interactive blend while interacting, the full one when still",
          "[render][scene]")
{
    auto window = makeOffscreenWindow(200, 160);
    VolumeScene scene(window);
    const auto layers = ballScene(32, 512, 512);  // 8.4 M voxels: large
    REQUIRE(wantsInteractiveBlend(layers));
    scene.setLayers(layers);
    scene.resetCamera();
    REQUIRE(scene.shownStride() == 1);

    window->SetDesiredUpdateRate(15.0);  // as while dragging
    scene.render();
    CHECK(scene.interactiveDetail());
    CHECK(scene.drawnStride() == kInteractiveStride);
    const double quick = brightFraction(window);

    window->SetDesiredUpdateRate(0.0001);  // a still frame
    scene.render();
    CHECK_FALSE(scene.interactiveDetail());
    CHECK(scene.drawnStride() == 1);
    const double still = brightFraction(window);
    // Both show the ball, about equally large.
    CHECK(still > 0.05);
    CHECK(quick == Approx(still).epsilon(0.25));
    // The interactive blend is the full one subsampled, kept in the cache beside it.
    CHECK(scene.blendCache()->contains(layers, kInteractiveStride));
}

TEST_CASE("a small scene is drawn from the full blend at every level of detail", "[render][scene]")
{
    auto window = makeOffscreenWindow(200, 160);
    VolumeScene scene(window);
    const auto layers = ballScene(16, 128, 128);
    REQUIRE_FALSE(wantsInteractiveBlend(layers));
    scene.setLayers(layers);
    scene.resetCamera();
    window->SetDesiredUpdateRate(15.0);
    scene.render();
    CHECK(scene.interactiveDetail());
    CHECK(scene.drawnStride() == 1);
    CHECK(brightFraction(window) > 0.05);
}

TEST_CASE("colour-mapped layers get a colour bar over their window, single colours do not", "[render][scene]")
{
    auto window = makeOffscreenWindow(300, 240);
    VolumeScene scene(window);
    auto layers = ballScene(16, 96, 96);  // RI: grey colour map
    layers[0].style.colormap = "gray";
    layers[0].unit = "RI";
    SceneLayer nucleus = layers[0];
    nucleus.name = "nucleus";
    nucleus.role = ChannelRole::PredictedFluorescence;
    nucleus.style.colormap.clear();  // one colour: named by the legend
    nucleus.style.color = {0.2f, 0.4f, 1.0f};
    SceneLayer uncertainty = layers[0];
    uncertainty.name = "nucleus_data_std";
    uncertainty.role = ChannelRole::Uncertainty;
    uncertainty.style.colormap = "magma";
    uncertainty.style.windowLow = 0.0;
    uncertainty.style.windowHigh = 0.25;
    uncertainty.unit = "";
    layers.push_back(nucleus);
    layers.push_back(uncertainty);
    scene.setLayers(layers);
    CHECK(scene.scalarBarsDrawn() == 2);
    std::vector<std::pair<std::string, std::array<double, 2>>> bars;
    vtkPropCollection* props = scene.renderer()->GetViewProps();
    props->InitTraversal();
    while (vtkProp* p = props->GetNextProp())
        if (auto* bar = vtkScalarBarActor::SafeDownCast(p)) {
            const double* r = bar->GetLookupTable()->GetRange();
            bars.push_back({bar->GetTitle(), {r[0], r[1]}});
        }
    REQUIRE(bars.size() == 2);
    CHECK(bars[0].first == "ri (RI)");
    CHECK(bars[0].second[0] == Approx(1.337));
    CHECK(bars[0].second[1] == Approx(1.39));
    CHECK(bars[1].first == "nucleus_data_std");
    CHECK(bars[1].second[1] == Approx(0.25));
    // Hidden: no bar.
    layers[2].style.visible = false;
    scene.setLayers(layers);
    CHECK(scene.scalarBarsDrawn() == 1);
}
