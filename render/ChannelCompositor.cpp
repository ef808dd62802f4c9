#include "render/ChannelCompositor.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkUnsignedCharArray.h>

#include "render/Colormaps.h"

namespace rfx::render {

namespace {

constexpr int kLutSize = 1024;

// Output index -> source index along one axis, by physical position (nearest voxel).
std::vector<long> axisMap(std::size_t outCount, double outOrigin, double outSpacing, std::size_t srcCount,
                          double srcOrigin, double srcSpacing)
{
    std::vector<long> map(outCount, -1);
    for (std::size_t i = 0; i < outCount; ++i) {
        const double p = outOrigin + double(i) * outSpacing;
        const long j = std::lround((p - srcOrigin) / srcSpacing);
        if (j >= 0 && j < static_cast<long>(srcCount))
            map[i] = j;
    }
    return map;
}

const float* floatData(const VolumePtr& v, std::vector<float>& storage)
{
    if (v->type() == VoxelType::Float32)
        return v->data<float>();
    storage.resize(v->values());
    for (std::size_t i = 0; i < storage.size(); ++i)
        storage[i] = static_cast<float>(v->valueAt(i));
    return storage.data();
}

// Runs body(begin, end) over [0, n) on the hardware threads.
template <class F> void parallelFor(std::size_t n, F body)
{
    const std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
    if (threads == 1 || n < 4) {
        body(std::size_t(0), n);
        return;
    }
    std::vector<std::thread> pool;
    const std::size_t chunk = (n + threads - 1) / threads;
    for (std::size_t t = 0; t < threads; ++t) {
        const std::size_t a = t * chunk, b = std::min(n, a + chunk);
        if (a < b)
            pool.emplace_back([=] { body(a, b); });
    }
    for (auto& th : pool)
        th.join();
}

} // namespace

ChannelCompositor::ChannelCompositor(std::vector<CompositeLayer> layers, const Grid& reference, int stride)
    : layers_(std::move(layers)), grid_(reference)
{
    stride = std::max(1, stride);
    grid_.shape[1] = (reference.shape[1] + stride - 1) / stride;
    grid_.shape[2] = (reference.shape[2] + stride - 1) / stride;
    grid_.spacing_um[1] *= stride;
    grid_.spacing_um[2] *= stride;

    prepared_.resize(layers_.size());
    for (std::size_t l = 0; l < layers_.size(); ++l) {
        const CompositeLayer& in = layers_[l];
        Prepared& p = prepared_[l];
        const Grid& g = in.volume->grid();
        p.shape = g.shape;
        p.data = floatData(in.volume, p.values);
        for (int a = 0; a < 3; ++a)
            p.index[a] = axisMap(grid_.shape[a], grid_.origin_um[a], grid_.spacing_um[a], g.shape[a], g.origin_um[a],
                                 g.spacing_um[a]);
        if (in.fade && in.fade->grid().shape == g.shape && in.fadeHigh > 0) {
            p.fade = floatData(in.fade, p.fadeValues);
            p.fadeInv = 1.0 / in.fadeHigh;
        }
        const LayerStyle& s = in.style;
        p.labels = s.isLabels();
        p.opacity = static_cast<float>(std::clamp(s.opacity, 0.0, 1.0));
        const double lo = s.windowLow, hi = s.windowHigh > s.windowLow ? s.windowHigh : s.windowLow + 1e-9;
        p.lo = lo;
        p.scale = (kLutSize - 1) / (hi - lo);
        p.lut.resize(kLutSize);
        p.sliceLut.resize(kLutSize);
        const double gamma = s.gamma > 0 ? s.gamma : 1.0;
        for (int i = 0; i < kLutSize; ++i) {
            const double t = double(i) / (kLutSize - 1);
            const double bright = std::pow(t, gamma);
            const Rgb c = s.colormap.empty() ? s.color : colormapColor(s.colormap, bright);
            p.lut[i] = {c[0], c[1], c[2], static_cast<float>(p.opacity * curveOpacity(s, t))};
            // Colour maps carry brightness in the colour itself; single colours in the weight.
            p.sliceLut[i] = static_cast<float>(p.opacity * (s.colormap.empty() || s.colormap == "gray" ? bright : 1.0));
        }
    }
}

void ChannelCompositor::sample(const Prepared& p, std::size_t z, std::size_t y, std::size_t x, float& r, float& g,
                               float& b, float& a, bool forSlice) const
{
    a = 0;
    const long iz = p.index[0][z], iy = p.index[1][y], ix = p.index[2][x];
    if (iz < 0 || iy < 0 || ix < 0)
        return;
    const std::size_t i = (std::size_t(iz) * p.shape[1] + std::size_t(iy)) * p.shape[2] + std::size_t(ix);
    const float v = p.data[i];
    if (!std::isfinite(v))
        return;
    float fade = 1.f;
    if (p.fade)
        fade = 1.f - std::clamp(static_cast<float>(p.fade[i] * p.fadeInv), 0.f, 1.f);
    if (p.labels) {
        const long long label = std::llround(v);
        if (label <= 0)
            return;
        const Rgb c = labelColor(label);
        r = c[0], g = c[1], b = c[2];
        a = p.opacity * fade;
        return;
    }
    const int k = std::clamp(static_cast<int>((v - p.lo) * p.scale), 0, kLutSize - 1);
    const auto& e = p.lut[k];
    r = e[0], g = e[1], b = e[2];
    a = (forSlice ? p.sliceLut[k] : e[3]) * fade;
}

vtkSmartPointer<vtkImageData> ChannelCompositor::volume() const
{
    const std::size_t nz = grid_.shape[0], ny = grid_.shape[1], nx = grid_.shape[2];
    auto image = vtkSmartPointer<vtkImageData>::New();
    image->SetDimensions(int(nx), int(ny), int(nz));
    image->SetSpacing(grid_.spacing_um[2], grid_.spacing_um[1], grid_.spacing_um[0]);
    image->SetOrigin(grid_.origin_um[2], grid_.origin_um[1], grid_.origin_um[0]);
    auto rgba = vtkSmartPointer<vtkUnsignedCharArray>::New();
    rgba->SetNumberOfComponents(4);
    rgba->SetNumberOfTuples(static_cast<vtkIdType>(nx * ny * nz));
    rgba->SetName("composite");
    unsigned char* out = rgba->GetPointer(0);
    parallelFor(nz, [&](std::size_t z0, std::size_t z1) {
        for (std::size_t z = z0; z < z1; ++z)
            for (std::size_t y = 0; y < ny; ++y)
                for (std::size_t x = 0; x < nx; ++x) {
                    float sr = 0, sg = 0, sb = 0, transmit = 1;
                    for (const Prepared& p : prepared_) {
                        float r, g, b, a;
                        sample(p, z, y, x, r, g, b, a, false);
                        if (a <= 0)
                            continue;
                        sr += a * r, sg += a * g, sb += a * b;
                        transmit *= 1.f - std::min(a, 1.f);
                    }
                    const float alpha = 1.f - transmit;
                    const float norm = alpha > 1e-3f ? 1.f / alpha : 0.f;  // opacity-weighted mean colour
                    unsigned char* o = out + 4 * ((z * ny + y) * nx + x);
                    o[0] = static_cast<unsigned char>(std::min(255.f, 255.f * sr * norm));
                    o[1] = static_cast<unsigned char>(std::min(255.f, 255.f * sg * norm));
                    o[2] = static_cast<unsigned char>(std::min(255.f, 255.f * sb * norm));
                    o[3] = static_cast<unsigned char>(std::min(255.f, 255.f * alpha + 0.5f));
                }
    });
    image->GetPointData()->SetScalars(rgba);
    return image;
}

vtkSmartPointer<vtkImageData> ChannelCompositor::slice(SliceAxis axis, std::size_t index) const
{
    const std::size_t nz = grid_.shape[0], ny = grid_.shape[1], nx = grid_.shape[2];
    std::size_t w = nx, h = ny;
    double sw = grid_.spacing_um[2], sh = grid_.spacing_um[1], ow = grid_.origin_um[2], oh = grid_.origin_um[1];
    if (axis == SliceAxis::XZ) {
        h = nz, sh = grid_.spacing_um[0], oh = grid_.origin_um[0];
        index = std::min(index, ny - 1);
    } else if (axis == SliceAxis::YZ) {
        w = ny, sw = grid_.spacing_um[1], ow = grid_.origin_um[1];
        h = nz, sh = grid_.spacing_um[0], oh = grid_.origin_um[0];
        index = std::min(index, nx - 1);
    } else {
        index = std::min(index, nz - 1);
    }
    auto image = vtkSmartPointer<vtkImageData>::New();
    image->SetDimensions(int(w), int(h), 1);
    image->SetSpacing(sw, sh, 1.0);
    image->SetOrigin(ow, oh, 0.0);
    auto rgb = vtkSmartPointer<vtkUnsignedCharArray>::New();
    rgb->SetNumberOfComponents(3);
    rgb->SetNumberOfTuples(static_cast<vtkIdType>(w * h));
    rgb->SetName("slice");
    unsigned char* out = rgb->GetPointer(0);
    // Rows in parallel: the slice views are redrawn on every frame step and crosshair move.
    parallelFor(h, [&](std::size_t j0, std::size_t j1) {
        for (std::size_t j = j0; j < j1; ++j)
            for (std::size_t i = 0; i < w; ++i) {
                std::size_t z = index, y = j, x = i;
                if (axis == SliceAxis::XZ)
                    z = j, y = index, x = i;
                else if (axis == SliceAxis::YZ)
                    z = j, y = i, x = index;
                float sr = 0, sg = 0, sb = 0;
                for (const Prepared& p : prepared_) {
                    float r, g, b, a;
                    sample(p, z, y, x, r, g, b, a, true);
                    if (a <= 0)
                        continue;
                    sr += a * r, sg += a * g, sb += a * b;
                }
                unsigned char* o = out + 3 * (j * w + i);
                o[0] = static_cast<unsigned char>(std::min(255.f, 255.f * sr));
                o[1] = static_cast<unsigned char>(std::min(255.f, 255.f * sg));
                o[2] = static_cast<unsigned char>(std::min(255.f, 255.f * sb));
            }
    });
    image->GetPointData()->SetScalars(rgb);
    return image;
}

} // namespace rfx::render
