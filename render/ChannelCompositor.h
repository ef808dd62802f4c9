#pragma once
// Blends the visible layers (RI plus any number of fluorescence, uncertainty and label channels)
// into one RGBA volume on the CPU. Why: the GPU ray caster takes at most four independent
// components and separate vtkVolumes do not intermix where they overlap in depth, so seven
// channels are rendered as one dependent-RGBA volume (correct mixing, one ray cast per frame).
// The same per-layer lookup tables make the 2D slice images, so 3D and slices always agree.
#include <array>
#include <vector>

#include <vtkSmartPointer.h>

#include "core/model/Volume.h"
#include "render/LayerStyle.h"

class vtkImageData;

namespace rfx::render {

struct CompositeLayer {
    VolumePtr volume;  // one frame of a scalar channel
    LayerStyle style;
    VolumePtr fade;    // uncertainty map that fades this layer (optional)
    double fadeHigh = 1.0;
};

enum class SliceAxis { XY = 0, XZ = 1, YZ = 2 };

class ChannelCompositor {
public:
    // `reference` is the output geometry (usually the RI grid); other grids are sampled at the
    // nearest voxel by physical position. `stride` > 1 subsamples in x and y (level of detail).
    ChannelCompositor(std::vector<CompositeLayer> layers, const Grid& reference, int stride = 1);

    // RGBA, 4 x uint8 per voxel: colour = opacity-weighted mean of the layers' colours,
    // alpha = 1 - prod(1 - a_layer). Spacing and origin in µm, x-y-z order.
    vtkSmartPointer<vtkImageData> volume() const;
    // RGB, 3 x uint8 per pixel, additive blend (fluorescence-style) of plane `index` across `axis`.
    // XY: (x, y) at z = index; XZ: (x, z) at y = index; YZ: (y, z) at x = index.
    vtkSmartPointer<vtkImageData> slice(SliceAxis axis, std::size_t index) const;

    const Grid& grid() const { return grid_; }
    std::size_t visibleLayers() const { return layers_.size(); }

private:
    struct Prepared {
        std::vector<float> values;                    // float copy when the volume is not float32
        const float* data = nullptr;
        const float* fade = nullptr;
        std::vector<float> fadeValues;
        std::array<std::vector<long>, 3> index;       // per output axis (z, y, x): source index or -1
        std::array<std::size_t, 3> shape{};
        std::vector<std::array<float, 4>> lut;        // 1024 entries over the window: r, g, b, 3D alpha
        std::vector<float> sliceLut;                  // 1024 entries: 2D brightness
        double lo = 0, scale = 1;
        double fadeInv = 0;
        bool labels = false;
        float opacity = 1;
    };
    void sample(const Prepared& p, std::size_t z, std::size_t y, std::size_t x, float& r, float& g, float& b,
                float& a, bool forSlice) const;

    std::vector<CompositeLayer> layers_;
    std::vector<Prepared> prepared_;
    Grid grid_;
};

} // namespace rfx::render
