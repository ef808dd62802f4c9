// The 3D scene's level of detail: a large scene is drawn from the interactive (coarser) blend
// while the window asks for an interactive rate and from the full blend for a still frame; a
// small scene always from the full blend. Rendered for real (offscreen: X or EGL).
#include <catch2/catch.hpp>

#include <cmath>

#include <vtkRenderWindow.h>
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
