// The CPU blend behind the 3D view and the slices: colours, opacity, fading, grids, orientation.
#include <catch2/catch.hpp>

#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkUnsignedCharArray.h>

#include "render/ChannelCompositor.h"
#include "render/Colormaps.h"
#include "render/LayerStyle.h"
#include "render/SceneAnnotations.h"

using namespace rfx;
using namespace rfx::render;

namespace {

VolumePtr filled(const Grid& g, float value)
{
    auto v = std::make_shared<Volume>(Volume::zeros<float>(g));
    std::fill(v->data<float>(), v->data<float>() + v->values(), value);
    return v;
}

LayerStyle colourStyle(std::array<float, 3> c)
{
    LayerStyle s;
    s.color = c;
    s.windowLow = 0;
    s.windowHigh = 1;
    return s;
}

std::array<int, 4> voxel(vtkImageData* img, int x, int y, int z)
{
    auto* a = vtkUnsignedCharArray::SafeDownCast(img->GetPointData()->GetScalars());
    const int n = a->GetNumberOfComponents();
    const vtkIdType id = img->ComputePointId(std::array<int, 3>{x, y, z}.data());
    std::array<int, 4> out{0, 0, 0, 0};
    for (int c = 0; c < n; ++c)
        out[c] = a->GetTypedComponent(id, c);
    return out;
}

Grid grid(std::size_t z, std::size_t y, std::size_t x, double sz = 1, double sy = 1, double sx = 1)
{
    Grid g;
    g.shape = {z, y, x};
    g.spacing_um = {sz, sy, sx};
    return g;
}

} // namespace

TEST_CASE("one saturated layer keeps its colour and becomes opaque", "[render]")
{
    const Grid g = grid(2, 3, 4);
    ChannelCompositor comp({{filled(g, 1.0f), colourStyle({0.f, 0.f, 1.f}), nullptr, 0}}, g);
    auto img = comp.volume();
    int dims[3];
    img->GetDimensions(dims);
    CHECK(dims[0] == 4);
    CHECK(dims[1] == 3);
    CHECK(dims[2] == 2);
    const auto v = voxel(img, 1, 1, 1);
    CHECK(v[0] == 0);
    CHECK(v[2] == 255);
    CHECK(v[3] == 255);
}

TEST_CASE("two layers mix their colours; a hidden-by-window layer adds nothing", "[render]")
{
    const Grid g = grid(1, 2, 2);
    auto red = colourStyle({1.f, 0.f, 0.f});
    auto green = colourStyle({0.f, 1.f, 0.f});
    red.opacity = green.opacity = 0.5;
    ChannelCompositor both({{filled(g, 1.f), red, nullptr, 0}, {filled(g, 1.f), green, nullptr, 0}}, g);
    const auto v = voxel(both.volume(), 0, 0, 0);
    CHECK(v[0] > 100);
    CHECK(v[1] > 100);
    CHECK(v[3] == Approx(255 * 0.75).margin(2));

    ChannelCompositor belowWindow({{filled(g, 1.f), red, nullptr, 0}, {filled(g, -3.f), green, nullptr, 0}}, g);
    const auto w = voxel(belowWindow.volume(), 1, 1, 0);
    CHECK(w[1] == 0);
    CHECK(w[3] == Approx(255 * 0.5).margin(2));
}

TEST_CASE("an uncertainty map fades its prediction where it is high", "[render]")
{
    const Grid g = grid(1, 1, 2);
    auto u = std::make_shared<Volume>(Volume::zeros<float>(g));
    u->data<float>()[1] = 2.0f;  // right voxel: very unsure
    ChannelCompositor comp({{filled(g, 1.f), colourStyle({0.f, 1.f, 0.f}), u, 1.0}}, g);
    auto img = comp.volume();
    CHECK(voxel(img, 0, 0, 0)[3] == 255);
    CHECK(voxel(img, 1, 0, 0)[3] == 0);
}

TEST_CASE("voxel spacing and other grids are honoured", "[render]")
{
    const Grid ri = grid(4, 4, 4, 0.5, 0.1, 0.1);
    auto img = ChannelCompositor({{filled(ri, 1.f), colourStyle({1, 1, 1}), nullptr, 0}}, ri).volume();
    double sp[3];
    img->GetSpacing(sp);
    CHECK(sp[0] == Approx(0.1));
    CHECK(sp[2] == Approx(0.5));
    // A coarser fluorescence grid covering only the first two z planes is sampled by position.
    Grid fl = grid(1, 2, 2, 1.0, 0.2, 0.2);
    ChannelCompositor mixed({{filled(ri, -1.f), colourStyle({1, 1, 1}), nullptr, 0},
                             {filled(fl, 1.f), colourStyle({1, 0, 0}), nullptr, 0}},
                            ri);
    auto m = mixed.volume();
    CHECK(voxel(m, 0, 0, 0)[0] == 255);
    CHECK(voxel(m, 3, 3, 3)[3] == 0);  // outside the fluorescence grid
    // Level of detail: stride 2 halves x and y, doubles their spacing.
    ChannelCompositor lod({{filled(ri, 1.f), colourStyle({1, 1, 1}), nullptr, 0}}, ri, 2);
    CHECK(lod.grid().shape[2] == 2);
    CHECK(lod.grid().spacing_um[2] == Approx(0.2));
}

TEST_CASE("slices are cut across the right axis", "[render]")
{
    Grid g = grid(3, 4, 5, 2.0, 1.0, 1.0);
    auto v = std::make_shared<Volume>(Volume::zeros<float>(g));
    v->at<float>(2, 1, 3) = 1.0f;  // z=2, y=1, x=3
    ChannelCompositor comp({{v, colourStyle({1, 1, 1}), nullptr, 0}}, g);
    auto xy = comp.slice(SliceAxis::XY, 2);
    int d[3];
    xy->GetDimensions(d);
    CHECK((d[0] == 5 && d[1] == 4 && d[2] == 1));
    CHECK(voxel(xy, 3, 1, 0)[0] == 255);
    CHECK(voxel(xy, 2, 1, 0)[0] == 0);
    auto xz = comp.slice(SliceAxis::XZ, 1);
    xz->GetDimensions(d);
    CHECK((d[0] == 5 && d[1] == 3));
    double sp[3];
    xz->GetSpacing(sp);
    CHECK(sp[1] == Approx(2.0));  // z spacing kept: anisotropic voxels look right
    CHECK(voxel(xz, 3, 2, 0)[0] == 255);
    auto yz = comp.slice(SliceAxis::YZ, 3);
    yz->GetDimensions(d);
    CHECK((d[0] == 4 && d[1] == 3));
    CHECK(voxel(yz, 1, 2, 0)[0] == 255);
}

TEST_CASE("label volumes get distinct colours, zero stays empty", "[render]")
{
    const Grid g = grid(1, 1, 3);
    auto v = std::make_shared<Volume>(Volume::zeros<float>(g));
    v->data<float>()[1] = 1;
    v->data<float>()[2] = 2;
    LayerStyle s;
    s.colormap = "glasbey";
    s.opacity = 1;
    auto img = ChannelCompositor({{v, s, nullptr, 0}}, g).volume();
    CHECK(voxel(img, 0, 0, 0)[3] == 0);
    CHECK(voxel(img, 1, 0, 0) != voxel(img, 2, 0, 0));
}

TEST_CASE("styles: percentile window, opacity curve, defaults, nice scale-bar lengths", "[render]")
{
    Grid g = grid(1, 1, 1000);
    auto v = std::make_shared<Volume>(Volume::zeros<float>(g));
    for (int i = 0; i < 1000; ++i)
        v->data<float>()[i] = float(i);
    v->data<float>()[999] = 1e6f;  // one hot pixel must not set the window
    const auto w = percentileWindow(*v, 1, 99);
    CHECK(w[0] == Approx(10).margin(300));
    CHECK(w[1] < 1500);
    LayerStyle s;
    s.opacityCurve = {{0, 0}, {0.5, 1}, {1, 0}};
    CHECK(curveOpacity(s, 0.25) == Approx(0.5));
    CHECK(curveOpacity(s, 0.75) == Approx(0.5));
    s.opacityCurve.clear();
    s.gamma = 2;
    CHECK(curveOpacity(s, 0.5) == Approx(0.25));
    ChannelInfo ri;
    ri.role = ChannelRole::RefractiveIndex;
    ri.display = defaultDisplayFor("ri", ChannelRole::RefractiveIndex);
    const LayerStyle r = defaultStyleFor(ri, nullptr);
    CHECK(r.windowLow == Approx(1.337));
    CHECK(!r.opacityCurve.empty());
    CHECK(niceLength(23) == 20);
    CHECK(niceLength(0.7) == Approx(0.5));
    CHECK(labelColor(1) != labelColor(2));
}
