#include "ui/ExtendedDataset.h"

#include <stdexcept>

namespace rfx::ui {

namespace {

class ExtendedSource : public FrameSource {
public:
    ExtendedSource(DatasetPtr base, std::vector<std::vector<VolumePtr>> extra)
        : base_(std::move(base)), extra_(std::move(extra))
    {
    }
    Volume readFrame(std::size_t c, std::size_t t) const override { return *readShared(c, t); }
    VolumePtr readShared(std::size_t c, std::size_t t) const override
    {
        if (c < base_->channelCount())
            return base_->frame(c, t);
        return extra_.at(c - base_->channelCount()).at(t);
    }

private:
    DatasetPtr base_;
    std::vector<std::vector<VolumePtr>> extra_;
};

} // namespace

DatasetPtr extendDataset(const DatasetPtr& base, std::vector<ChannelInfo> channels,
                         std::vector<std::vector<VolumePtr>> extra)
{
    if (channels.size() != extra.size())
        throw std::invalid_argument("extendDataset: channel count mismatch");
    DatasetInfo info = base->info();
    for (auto& c : channels)
        info.channels.push_back(std::move(c));
    // No cache of its own: base frames are cached by the base dataset, new ones live in memory.
    return std::make_shared<Dataset>(std::move(info), std::make_shared<ExtendedSource>(base, std::move(extra)),
                                     nullptr);
}

} // namespace rfx::ui
