// The blend cache behind the 3D view: a blend is reused only for exactly the same frames, styles
// and level of detail, and equals what the compositor makes directly.
#include <catch2/catch.hpp>

#include <cstring>
#include <thread>

#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkUnsignedCharArray.h>

#include "render/BlendCache.h"
#include "render/ChannelCompositor.h"

using namespace rfx;
using namespace rfx::render;

namespace {

VolumePtr ramp(const Grid& g, float offset)
{
    auto v = std::make_shared<Volume>(Volume::zeros<float>(g));
    float* d = v->data<float>();
    for (std::size_t i = 0; i < v->values(); ++i)
        d[i] = offset + static_cast<float>(i % 97) / 97.f;
    return v;
}

SceneLayer layer(const std::string& name, ChannelRole role, VolumePtr v, std::array<float, 3> colour)
{
    SceneLayer l;
    l.name = name;
    l.role = role;
    l.volume = std::move(v);
    l.style.color = colour;
    l.style.windowLow = 0;
    l.style.windowHigh = 1;
    return l;
}

bool sameBytes(vtkImageData* a, vtkImageData* b)
{
    auto* x = vtkUnsignedCharArray::SafeDownCast(a->GetPointData()->GetScalars());
    auto* y = vtkUnsignedCharArray::SafeDownCast(b->GetPointData()->GetScalars());
    return x && y && x->GetNumberOfValues() == y->GetNumberOfValues() &&
           std::memcmp(x->GetPointer(0), y->GetPointer(0), static_cast<std::size_t>(x->GetNumberOfValues())) == 0;
}

} // namespace

TEST_CASE("blend cache reuses a blend only for the same frames, styles and stride", "[render][blendcache]")
{
    Grid g;
    g.shape = {4, 12, 10};
    g.spacing_um = {0.5, 0.2, 0.2};
    const VolumePtr ri = ramp(g, 0.f), nucleus = ramp(g, 0.3f);
    std::vector<SceneLayer> scene = {layer("ri", ChannelRole::RefractiveIndex, ri, {1, 1, 1}),
                                     layer("nucleus", ChannelRole::PredictedFluorescence, nucleus, {0, 0, 1})};
    BlendCache cache(2);
    CHECK(cache.find(scene, 1) == nullptr);
    auto first = cache.blend(scene, 1);
    REQUIRE(first);
    CHECK(cache.misses() == 1);
    // The same blend the compositor makes directly.
    auto direct = ChannelCompositor(compositeInputs(scene).layers, g).volume();
    CHECK(sameBytes(first, direct));
    // Same inputs: the very same image, no new blend.
    CHECK(cache.blend(scene, 1).Get() == first.Get());
    CHECK(cache.find(scene, 1).Get() == first.Get());
    CHECK(cache.hits() == 1);

    SECTION("a changed style is a different blend")
    {
        auto edited = scene;
        edited[1].style.windowHigh = 0.8;
        CHECK(cache.find(edited, 1) == nullptr);
        auto other = cache.blend(edited, 1);
        CHECK(other.Get() != first.Get());
        CHECK_FALSE(sameBytes(other, first));
    }
    SECTION("another frame with equal values is a different blend (frames count by identity)")
    {
        auto next = scene;
        next[1].volume = std::make_shared<Volume>(*nucleus);
        CHECK(cache.find(next, 1) == nullptr);
    }
    SECTION("a preview stride is a different blend with fewer voxels")
    {
        auto preview = cache.blend(scene, 2);
        int d[3];
        preview->GetDimensions(d);
        CHECK(d[0] == 5);
        CHECK(d[1] == 6);
        CHECK(d[2] == 4);
        CHECK(cache.find(scene, 1).Get() == first.Get());
    }
    SECTION("hidden layers and vector fields are not part of the key")
    {
        auto more = scene;
        more.push_back(layer("mito", ChannelRole::PredictedFluorescence, ramp(g, 0.5f), {0, 1, 0}));
        more.back().style.visible = false;
        CHECK(cache.find(more, 1).Get() == first.Get());
    }
    SECTION("the least recently used blend goes when the cache is full")
    {
        auto a = scene, b = scene;
        a[1].style.opacity = 0.5;
        b[1].style.opacity = 0.25;
        cache.blend(a, 1);
        cache.find(scene, 1);  // used again: now the most recent
        cache.blend(b, 1);     // capacity 2: `a` goes
        CHECK(cache.find(a, 1) == nullptr);
        CHECK(cache.find(scene, 1).Get() == first.Get());
    }
    SECTION("blends from another thread are found by this one")
    {
        auto edited = scene;
        edited[0].style.gamma = 2.0;
        vtkSmartPointer<vtkImageData> made;
        std::thread worker([&] { made = cache.blend(edited, 1); });
        worker.join();
        CHECK(cache.find(edited, 1).Get() == made.Get());
    }
}

TEST_CASE("a coarse blend subsampled from a cached full one equals the compositor's coarse blend", "[render][blendcache]")
{
    // The fluorescence layer lies on another grid (coarser, shifted), so nearest-voxel mapping is
    // exercised; odd sizes leave partial last rows and columns.
    Grid g;
    g.shape = {5, 23, 17};
    g.spacing_um = {0.5, 0.2, 0.2};
    Grid f;
    f.shape = {3, 9, 7};
    f.spacing_um = {0.9, 0.47, 0.53};
    f.origin_um = {0.1, 0.3, -0.2};
    std::vector<SceneLayer> scene = {layer("ri", ChannelRole::RefractiveIndex, ramp(g, 0.f), {1, 1, 1}),
                                     layer("nucleus", ChannelRole::PredictedFluorescence, ramp(f, 0.2f), {0, 0, 1})};
    scene[1].style.opacity = 0.7;
    for (int stride : {2, 3}) {
        BlendCache cache(4);
        REQUIRE(cache.blend(scene, 1));
        const std::size_t misses = cache.misses();
        auto derived = cache.blend(scene, stride);
        CHECK(cache.misses() == misses + 1);  // a new entry, made from the full blend
        auto direct = ChannelCompositor(compositeInputs(scene).layers, g, stride).volume();
        int a[3], b[3];
        derived->GetDimensions(a);
        direct->GetDimensions(b);
        CHECK((a[0] == b[0] && a[1] == b[1] && a[2] == b[2]));
        double sa[3], sb[3];
        derived->GetSpacing(sa);
        direct->GetSpacing(sb);
        for (int k = 0; k < 3; ++k)
            CHECK(sa[k] == Approx(sb[k]));
        CHECK(sameBytes(derived, direct));
        CHECK(cache.find(scene, stride).Get() == derived.Get());
    }
}

TEST_CASE("a scene without scalar layers has nothing to blend", "[render][blendcache]")
{
    BlendCache cache;
    CHECK(cache.blend({}, 1) == nullptr);
    CHECK(cache.misses() == 0);
}

TEST_CASE("single-slice layers are planes beside volume data and blended in a 2D scene", "[render][blendcache]")
{
    Grid plane;
    plane.shape = {1, 12, 10};
    Grid volume = plane;
    volume.shape[0] = 6;
    const SceneLayer beads = layer("bead_slice", ChannelRole::Other, ramp(plane, 0.f), {1, 1, 1});
    const SceneLayer other2d = layer("nucleus", ChannelRole::PredictedFluorescence, ramp(plane, 0.2f), {0, 0, 1});
    const SceneLayer cells = layer("strain", ChannelRole::Other, ramp(volume, 0.f), {1, 0, 0});
    // 2D images only: blended together, as before.
    CHECK(compositeInputs({beads, other2d}).layers.size() == 2);
    CHECK_FALSE(drawnAsPlane(beads, sceneHasVolumeData({beads, other2d})));
    // Beside a volume: the single slice is drawn as a plane, not blended; the slice views keep it.
    CHECK(sceneHasVolumeData({beads, cells}));
    CHECK(drawnAsPlane(beads, true));
    const CompositeInputs in = compositeInputs({beads, cells});
    REQUIRE(in.layers.size() == 1);
    CHECK(in.layers.front().volume == cells.volume);
    CHECK(compositeInputs({beads, cells}, false).layers.size() == 2);
    // A surface layer is not blended either.
    SceneLayer mask = cells;
    mask.style.surface = true;
    CHECK(compositeInputs({mask}).layers.empty());
    CHECK(compositeInputs({mask}, false).layers.size() == 1);
}
