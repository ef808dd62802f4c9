#include "render/DatasetLayers.h"

#include "core/util/Errors.h"

namespace rfx::render {

std::vector<SceneLayer> defaultSceneLayers(const Dataset& ds, std::size_t frame, const std::vector<std::string>& names)
{
    std::vector<std::size_t> chosen;
    if (names.empty()) {
        for (std::size_t c = 0; c < ds.channelCount(); ++c) {
            const ChannelInfo& ch = ds.channel(c);
            if (ch.components == 1 && ch.display.visible && ch.role != ChannelRole::Labels &&
                ch.role != ChannelRole::Uncertainty)
                chosen.push_back(c);
        }
    } else {
        for (const auto& n : names) {
            const int c = ds.channelIndex(n);
            if (c < 0) {
                std::string all;
                for (std::size_t i = 0; i < ds.channelCount(); ++i)
                    all += (i ? ", " : "") + ds.channel(i).name;
                throw inputError(ds.path(), "no channel named '" + n + "' (available: " + all + ")");
            }
            if (ds.channel(c).components != 1 && ds.channel(c).components != 3)
                throw inputError(ds.path(), "channel '" + n + "' has " + std::to_string(ds.channel(c).components) +
                                                " components; only scalar channels and 3D vector fields can be drawn");
            chosen.push_back(static_cast<std::size_t>(c));
        }
    }
    if (chosen.empty())
        throw inputError(ds.path(), "no scalar channel to render");
    std::vector<SceneLayer> layers;
    for (std::size_t c : chosen) {
        const ChannelInfo& ch = ds.channel(c);
        if (frame >= ch.frames())
            throw inputError(ds.path(), "channel '" + ch.name + "' has " + std::to_string(ch.frames()) +
                                            " frame(s); no frame " + std::to_string(frame));
        SceneLayer l;
        l.name = ch.name;
        l.role = ch.role;
        l.unit = ch.unit;
        l.volume = ds.frame(c, frame);
        l.style = defaultStyleFor(ch, l.volume.get());
        l.style.visible = true;
        layers.push_back(std::move(l));
    }
    return layers;
}

} // namespace rfx::render
