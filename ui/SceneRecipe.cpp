#include "ui/SceneRecipe.h"

#include <algorithm>
#include <cmath>

namespace rfx::ui {

std::optional<std::size_t> channelFrameAt(const ChannelInfo& channel, const std::vector<double>& times_s,
                                          std::size_t t)
{
    if (channel.frames() == 0)
        return std::nullopt;
    if (channel.frames() == times_s.size())
        return std::min(t, channel.frames() - 1);
    if (t < times_s.size())
        for (std::size_t f = 0; f < channel.frames(); ++f)
            if (std::abs(channel.times_s[f] - times_s[t]) < 1e-6)
                return f;
    return std::nullopt;
}

std::vector<render::SceneLayer> SceneRecipe::at(std::size_t t, std::string* problem) const
{
    std::vector<render::SceneLayer> out;
    if (!dataset)
        return out;
    auto frameOf = [&](std::size_t c) -> VolumePtr {
        const auto f = channelFrameAt(dataset->channel(c), times_s, t);
        return f ? dataset->frame(c, *f) : nullptr;
    };
    for (const LayerRecipe& r : layers) {
        render::SceneLayer l = r.layer;
        try {
            l.volume = frameOf(r.channel);
            if (!l.volume)
                continue;
            if (r.fadeChannel >= 0) {
                l.fade = frameOf(static_cast<std::size_t>(r.fadeChannel));
                l.fadeHigh = r.fadeHigh;
            }
        } catch (const std::exception& e) {
            if (!problem)
                throw;
            *problem = e.what();
            continue;
        }
        out.push_back(std::move(l));
    }
    return out;
}

std::vector<std::size_t> SceneRecipe::channels() const
{
    std::vector<std::size_t> out;
    for (const LayerRecipe& r : layers) {
        out.push_back(r.channel);
        if (r.fadeChannel >= 0)
            out.push_back(static_cast<std::size_t>(r.fadeChannel));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

} // namespace rfx::ui
