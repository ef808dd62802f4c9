#include "core/model/Dataset.h"

#include <algorithm>

#include "core/util/Errors.h"

namespace rfx {

Dataset::Dataset(DatasetInfo info, std::shared_ptr<const FrameSource> source, FrameCache* cache)
    : info_(std::move(info)), source_(std::move(source)), cache_(cache), owner_(FrameCache::newOwnerId())
{
}

Dataset::~Dataset()
{
    if (cache_)
        cache_->evictOwner(owner_);
}

int Dataset::channelIndex(const std::string& name) const
{
    for (std::size_t i = 0; i < info_.channels.size(); ++i)
        if (info_.channels[i].name == name)
            return static_cast<int>(i);
    return -1;
}

int Dataset::firstChannelWithRole(ChannelRole role) const
{
    for (std::size_t i = 0; i < info_.channels.size(); ++i)
        if (info_.channels[i].role == role)
            return static_cast<int>(i);
    return -1;
}

std::size_t Dataset::frameCount() const
{
    std::size_t n = 0;
    for (const auto& c : info_.channels)
        n = std::max(n, c.frames());
    return n;
}

VolumePtr Dataset::frame(std::size_t channel, std::size_t t) const
{
    if (channel >= info_.channels.size())
        throw inputError(info_.path, "no channel " + std::to_string(channel) + " (has " +
                                         std::to_string(info_.channels.size()) + ")");
    if (t >= info_.channels[channel].frames())
        throw inputError(info_.path, "channel '" + info_.channels[channel].name + "' has no frame " +
                                         std::to_string(t) + " (has " +
                                         std::to_string(info_.channels[channel].frames()) + ")");
    const FrameCache::Key key{owner_, channel, t};
    if (cache_)
        if (auto hit = cache_->find(key))
            return hit;
    VolumePtr vol = source_->readShared(channel, t);
    if (cache_)
        cache_->insert(key, vol);
    return vol;
}

DatasetPtr makeMemoryDataset(DatasetInfo info, std::vector<std::vector<VolumePtr>> volumes)
{
    if (info.channels.size() != volumes.size())
        throw std::invalid_argument("makeMemoryDataset: channel count mismatch");
    for (std::size_t c = 0; c < volumes.size(); ++c) {
        auto& ch = info.channels[c];
        if (!volumes[c].empty() && ch.grid.voxels() == 0)
            ch.grid = volumes[c].front()->grid();
        if (ch.times_s.size() != volumes[c].size()) {
            ch.times_s.resize(volumes[c].size());
            for (std::size_t t = 0; t < ch.times_s.size(); ++t)
                ch.times_s[t] = static_cast<double>(t);
        }
        if (!volumes[c].empty())
            ch.components = volumes[c].front()->components();
    }
    // In-memory data needs no cache: the source already holds the volumes.
    return std::make_shared<Dataset>(std::move(info), std::make_shared<MemoryFrameSource>(std::move(volumes)),
                                     nullptr);
}

} // namespace rfx
