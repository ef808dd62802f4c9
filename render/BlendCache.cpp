#include "render/BlendCache.h"

#include <algorithm>

#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkUnsignedCharArray.h>

namespace rfx::render {

namespace {

bool singleSlice(const SceneLayer& l) { return l.volume->grid().shape[0] == 1; }

bool shown(const SceneLayer& l) { return l.style.visible && l.volume && !l.volume->empty(); }

// Every `stride`-th voxel in x and y of a full-resolution blend. The compositor samples each layer
// at the nearest voxel of each output position and blends voxel by voxel, so this equals blending
// at that stride, in a fraction of the time (one pass over the RGBA instead of over every layer).
vtkSmartPointer<vtkImageData> subsampleXY(vtkImageData* full, int stride)
{
    int dims[3];
    full->GetDimensions(dims);
    const int nx = (dims[0] + stride - 1) / stride, ny = (dims[1] + stride - 1) / stride, nz = dims[2];
    double spacing[3];
    full->GetSpacing(spacing);
    auto image = vtkSmartPointer<vtkImageData>::New();
    image->SetDimensions(nx, ny, nz);
    image->SetSpacing(spacing[0] * stride, spacing[1] * stride, spacing[2]);
    image->SetOrigin(full->GetOrigin());
    auto* in = vtkUnsignedCharArray::SafeDownCast(full->GetPointData()->GetScalars());
    auto rgba = vtkSmartPointer<vtkUnsignedCharArray>::New();
    rgba->SetNumberOfComponents(4);
    rgba->SetNumberOfTuples(static_cast<vtkIdType>(nx) * ny * nz);
    rgba->SetName(in->GetName());
    const unsigned char* src = in->GetPointer(0);
    unsigned char* dst = rgba->GetPointer(0);
    for (int z = 0; z < nz; ++z)
        for (int y = 0; y < ny; ++y) {
            const unsigned char* row = src + 4 * ((static_cast<std::size_t>(z) * dims[1] + std::size_t(y) * stride) * dims[0]);
            for (int x = 0; x < nx; ++x, dst += 4)
                std::copy_n(row + 4 * std::size_t(x) * stride, 4, dst);
        }
    image->GetPointData()->SetScalars(rgba);
    return image;
}

} // namespace

bool sceneHasVolumeData(const std::vector<SceneLayer>& layers)
{
    return std::any_of(layers.begin(), layers.end(), [](const SceneLayer& l) { return shown(l) && !singleSlice(l); });
}

bool drawnAsPlane(const SceneLayer& l, bool sceneHasVolume) { return sceneHasVolume && singleSlice(l); }

CompositeInputs compositeInputs(const std::vector<SceneLayer>& layers, bool forVolume)
{
    CompositeInputs in;
    const SceneLayer* ref = nullptr;
    const bool hasVolume = forVolume && sceneHasVolumeData(layers);
    for (const auto& l : layers) {
        if (!shown(l) || l.volume->components() != 1)
            continue;
        if (forVolume && (l.style.surface || drawnAsPlane(l, hasVolume)))
            continue;
        in.layers.push_back({l.volume, l.style, l.fade, l.fadeHigh});
        if (!ref || (l.role == ChannelRole::RefractiveIndex && ref->role != ChannelRole::RefractiveIndex))
            ref = &l;
    }
    if (ref)
        in.reference = &ref->volume->grid();
    return in;
}

bool wantsInteractiveBlend(const std::vector<SceneLayer>& layers)
{
    const CompositeInputs in = compositeInputs(layers);
    if (!in.reference)
        return false;
    const auto& s = in.reference->shape;
    return s[0] * s[1] * s[2] >= std::size_t(8) << 20;  // 8 M voxels: 32 MB of RGBA and more
}

BlendCache::BlendCache(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

bool BlendCache::matches(const Entry& e, const CompositeInputs& in, int stride)
{
    if (e.stride != stride || e.layers.size() != in.layers.size() || !(e.reference == *in.reference))
        return false;
    for (std::size_t i = 0; i < e.layers.size(); ++i) {
        const CompositeLayer &a = e.layers[i], &b = in.layers[i];
        if (a.volume != b.volume || a.fade != b.fade || a.fadeHigh != b.fadeHigh || !(a.style == b.style))
            return false;
    }
    return true;
}

vtkSmartPointer<vtkImageData> BlendCache::findLocked(const CompositeInputs& in, int stride) const
{
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
        if (matches(*it, in, stride)) {
            auto& self = const_cast<std::list<Entry>&>(entries_);
            self.splice(self.begin(), self, it);  // most recently used first
            return entries_.front().image;
        }
    return nullptr;
}

vtkSmartPointer<vtkImageData> BlendCache::find(const std::vector<SceneLayer>& layers, int stride) const
{
    const CompositeInputs in = compositeInputs(layers);
    if (!in.reference)
        return nullptr;
    std::lock_guard<std::mutex> lock(mutex_);
    return findLocked(in, std::max(1, stride));
}

vtkSmartPointer<vtkImageData> BlendCache::blend(const std::vector<SceneLayer>& layers, int stride)
{
    stride = std::max(1, stride);
    CompositeInputs in = compositeInputs(layers);
    if (!in.reference)
        return nullptr;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (auto image = findLocked(in, stride)) {
            ++hits_;
            return image;
        }
        ++misses_;
    }
    vtkSmartPointer<vtkImageData> full;
    if (stride > 1) {
        std::lock_guard<std::mutex> lock(mutex_);
        full = findLocked(in, 1);
    }
    Entry e;
    e.reference = *in.reference;
    e.stride = stride;
    e.layers = in.layers;
    e.image = full ? subsampleXY(full, stride) : ChannelCompositor(std::move(in.layers), e.reference, stride).volume();
    std::lock_guard<std::mutex> lock(mutex_);
    CompositeInputs again{e.layers, &e.reference};
    if (auto image = findLocked(again, stride))
        return image;  // another thread blended the same meanwhile: keep one copy
    entries_.push_front(e);
    while (entries_.size() > capacity_)
        entries_.pop_back();
    return e.image;
}

vtkSmartPointer<vtkImageData> BlendCache::blendForView(const std::vector<SceneLayer>& layers)
{
    vtkSmartPointer<vtkImageData> full = blend(layers, 1);
    if (full && wantsInteractiveBlend(layers))
        blend(layers, kInteractiveStride);
    return full;
}

void BlendCache::clear()
{
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.clear();
}

std::size_t BlendCache::hits() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return hits_;
}

std::size_t BlendCache::misses() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return misses_;
}

} // namespace rfx::render
