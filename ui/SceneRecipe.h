#pragma once
// What the views show, without the data: each visible layer's channel and display style. Taken
// on the GUI thread from the layers panel and resolved into scene layers for any time point on
// any thread: the view, the prefetcher (blending the next frame ahead) and the movie export all
// pick frames the same way.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/model/Dataset.h"
#include "render/SceneLayer.h"

namespace rfx::ui {

struct LayerRecipe {
    std::size_t channel = 0;
    render::SceneLayer layer;  // name, role, unit, style; no volume
    int fadeChannel = -1;      // channel of the uncertainty map fading it, or -1
    double fadeHigh = 0;
};

struct SceneRecipe {
    DatasetPtr dataset;
    std::vector<double> times_s;  // the time slider's time points
    std::vector<LayerRecipe> layers;

    // The layers with their frames at time point t. A layer whose channel has no frame there is
    // left out. A frame that cannot be read throws, or with `problem` given leaves its layer out
    // and says why there.
    std::vector<render::SceneLayer> at(std::size_t t, std::string* problem = nullptr) const;
    // Every channel the recipe reads (layers and fading maps), for prefetching.
    std::vector<std::size_t> channels() const;
};

// The frame of a channel at time point t: the same index when the channel spans all time points,
// otherwise the frame whose time matches (a prediction of one frame); none when it has none.
std::optional<std::size_t> channelFrameAt(const ChannelInfo& channel, const std::vector<double>& times_s,
                                          std::size_t t);

} // namespace rfx::ui
