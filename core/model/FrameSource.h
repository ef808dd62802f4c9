#pragma once
// Storage behind a Dataset: reads one frame of one channel on demand. Readers implement it
// (TCF, TIFF, results HDF5, ...); MemoryFrameSource holds volumes already in memory.
#include <cstddef>
#include <memory>
#include <vector>

#include "core/model/Volume.h"

namespace rfx {

class FrameSource {
public:
    virtual ~FrameSource() = default;
    // Reads channel `channel`, frame `frame`. Must be safe to call from several threads
    // (implementations serialise internally where the library is not thread-safe).
    virtual Volume readFrame(std::size_t channel, std::size_t frame) const = 0;
    // Shared variant; sources that already hold volumes return them without copying.
    virtual VolumePtr readShared(std::size_t channel, std::size_t frame) const
    {
        return std::make_shared<const Volume>(readFrame(channel, frame));
    }
};

class MemoryFrameSource : public FrameSource {
public:
    // volumes[channel][frame]
    explicit MemoryFrameSource(std::vector<std::vector<VolumePtr>> volumes) : volumes_(std::move(volumes)) {}
    Volume readFrame(std::size_t channel, std::size_t frame) const override
    {
        return *volumes_.at(channel).at(frame);
    }
    VolumePtr readShared(std::size_t channel, std::size_t frame) const override
    {
        return volumes_.at(channel).at(frame);
    }

private:
    std::vector<std::vector<VolumePtr>> volumes_;
};

} // namespace rfx
