#pragma once
// Scene layers for one frame of a dataset with default display styles: what the CLI renders
// and what a figure shows when nothing was customised.
#include <string>
#include <vector>

#include "core/model/Dataset.h"
#include "render/SceneLayer.h"

namespace rfx::render {

// names empty: the channels visible by default (RI and fluorescence; uncertainty and labels
// hidden). Named channels are shown whatever their default. Throws InputError for an unknown
// name, a vector channel or a frame beyond a channel's length.
std::vector<SceneLayer> defaultSceneLayers(const Dataset& ds, std::size_t frame, const std::vector<std::string>& names);

} // namespace rfx::render
