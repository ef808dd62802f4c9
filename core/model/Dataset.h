#pragma once
// A dataset: channels x time frames, read lazily per frame through a FrameSource and a shared
// FrameCache. Opening a time-lapse reads only metadata; frame(c, t) decodes on first use.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/model/Channel.h"
#include "core/model/FrameCache.h"
#include "core/model/FrameSource.h"

namespace rfx {

struct DatasetInfo {
    std::string path;     // file it came from (empty for in-memory data)
    std::string format;   // "tcf", "tiff", "ome-tiff", "results-h5", "nrrd", ...
    std::vector<ChannelInfo> channels;
    double mediumRI = 1.337;  // from TCF /Info/Device RI when present
    std::map<std::string, std::string> metadata;  // free-form (instrument, title, recording time, ...)
};

class Dataset {
public:
    Dataset(DatasetInfo info, std::shared_ptr<const FrameSource> source, FrameCache* cache = &FrameCache::shared());
    ~Dataset();
    Dataset(const Dataset&) = delete;
    Dataset& operator=(const Dataset&) = delete;

    const DatasetInfo& info() const { return info_; }
    const std::string& path() const { return info_.path; }
    std::size_t channelCount() const { return info_.channels.size(); }
    const ChannelInfo& channel(std::size_t c) const { return info_.channels.at(c); }
    // Index of the channel with this name; -1 when absent.
    int channelIndex(const std::string& name) const;
    // Index of the first channel with this role; -1 when absent.
    int firstChannelWithRole(ChannelRole role) const;
    // Largest frame count over channels.
    std::size_t frameCount() const;

    // Decoded frame, cached. Throws InputError for out-of-range indices or unreadable data.
    VolumePtr frame(std::size_t channel, std::size_t t) const;
    // Starts nothing; reads now and caches (used by prefetchers running on worker threads).
    void prefetch(std::size_t channel, std::size_t t) const { frame(channel, t); }

private:
    DatasetInfo info_;
    std::shared_ptr<const FrameSource> source_;
    FrameCache* cache_;
    std::uint64_t owner_;
};

using DatasetPtr = std::shared_ptr<const Dataset>;

// Wraps in-memory volumes (volumes[c][t]) as a dataset; channel grids are taken from the volumes
// when info's grids are empty.
DatasetPtr makeMemoryDataset(DatasetInfo info, std::vector<std::vector<VolumePtr>> volumes);

} // namespace rfx
