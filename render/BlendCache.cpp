#include "render/BlendCache.h"

#include <algorithm>

#include <vtkImageData.h>

namespace rfx::render {

namespace {

bool singleSlice(const SceneLayer& l) { return l.volume->grid().shape[0] == 1; }

bool shown(const SceneLayer& l) { return l.style.visible && l.volume && !l.volume->empty(); }

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
    Entry e;
    e.reference = *in.reference;
    e.stride = stride;
    e.layers = in.layers;
    e.image = ChannelCompositor(std::move(in.layers), e.reference, stride).volume();
    std::lock_guard<std::mutex> lock(mutex_);
    CompositeInputs again{e.layers, &e.reference};
    if (auto image = findLocked(again, stride))
        return image;  // another thread blended the same meanwhile: keep one copy
    entries_.push_front(e);
    while (entries_.size() > capacity_)
        entries_.pop_back();
    return e.image;
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
