#pragma once
// Finished RGBA blends of the 3D scene, keyed by exactly what went into them: the frames by
// identity (the key holds them, so an address is never reused while cached), the display
// styles by value and the level of detail. The GUI thread's VolumeScene and a background worker
// (blending the next time frame ahead of time) share one cache, so a frame change or a finished
// job only hands a ready volume to the ray caster instead of blending 7 x 16 M voxels.
#include <cstddef>
#include <list>
#include <mutex>
#include <vector>

#include <vtkSmartPointer.h>

#include "render/ChannelCompositor.h"
#include "render/SceneLayer.h"

class vtkImageData;

namespace rfx::render {

// The layers that go into a blend: visible scalar layers with data, and the reference geometry
// (the first RI layer, else the first of them). The 3D blend (`forVolume`) leaves out layers
// drawn as surfaces and single-slice layers (drawn as planes); the slice views take them all.
// Empty when nothing is blended.
struct CompositeInputs {
    std::vector<CompositeLayer> layers;
    const Grid* reference = nullptr;
};
CompositeInputs compositeInputs(const std::vector<SceneLayer>& layers, bool forVolume = true);
// Whether any visible layer with data spans more than one z-slice (scalar or vector).
bool sceneHasVolumeData(const std::vector<SceneLayer>& layers);
// Drawn in 3D as a plane rather than blended: a single z-slice in a scene that also has volume data
// (a bead image under force arrows). A scene of 2D images only is blended as usual.
bool drawnAsPlane(const SceneLayer& layer, bool sceneHasVolume);

// Large scenes are drawn during interaction (rotation, frame steps) from a blend of every
// second voxel in x and y: a quarter of the texture to upload and sample, and at the interactive
// ray spacing (2.5 voxels) the picture hardly differs. Smaller scenes use the full blend throughout.
constexpr int kInteractiveStride = 2;
bool wantsInteractiveBlend(const std::vector<SceneLayer>& layers);

class BlendCache {
public:
    explicit BlendCache(std::size_t capacity = 3);

    // The blend of `layers` at `stride` (see ChannelCompositor): from the cache, or computed now
    // and kept (at stride > 1 subsampled from a cached full-resolution blend when there is one,
    // which gives the same voxels). Any thread; the blending runs outside the lock. Null when
    // nothing is blended.
    vtkSmartPointer<vtkImageData> blend(const std::vector<SceneLayer>& layers, int stride);
    // What the 3D view draws: the full blend and, for a large scene, the interactive blend beside it
    // (subsampled from the full one). Returns the full blend (null when nothing is blended).
    vtkSmartPointer<vtkImageData> blendForView(const std::vector<SceneLayer>& layers);
    // Only from the cache (null when absent): never blends.
    vtkSmartPointer<vtkImageData> find(const std::vector<SceneLayer>& layers, int stride) const;
    bool contains(const std::vector<SceneLayer>& layers, int stride) const { return find(layers, stride) != nullptr; }
    void clear();

    std::size_t hits() const;
    std::size_t misses() const;

private:
    struct Entry {
        std::vector<CompositeLayer> layers;
        Grid reference;
        int stride = 1;
        vtkSmartPointer<vtkImageData> image;
    };
    static bool matches(const Entry& e, const CompositeInputs& in, int stride);
    vtkSmartPointer<vtkImageData> findLocked(const CompositeInputs& in, int stride) const;

    mutable std::mutex mutex_;
    std::list<Entry> entries_;  // most recently used first
    std::size_t capacity_;
    mutable std::size_t hits_ = 0, misses_ = 0;
};

} // namespace rfx::render
