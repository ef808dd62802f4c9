#pragma once
// One layer as a scene receives it: a frame of a channel plus its display style. Built by the
// GUI from its layer model and by the CLI (DatasetLayers) from a file and options.
#include <string>

#include "core/model/Channel.h"
#include "core/model/Volume.h"
#include "render/LayerStyle.h"

namespace rfx::render {

struct SceneLayer {
    std::string name;
    ChannelRole role = ChannelRole::Other;
    VolumePtr volume;  // the current frame (scalar, or 3 components for a vector field)
    std::string unit;  // of the channel's values (colour-bar titles of vector layers)
    LayerStyle style;
    VolumePtr fade;    // uncertainty map fading this layer (style.fadeBy resolved), optional
    double fadeHigh = 0;
};

} // namespace rfx::render
