#pragma once
// A dataset plus channels computed in the GUI (a prediction of one frame): the original channels
// are read from the original dataset (and its cache) unchanged, the new ones come from memory.
// Built once per committed job result; the original dataset is never modified.
#include <vector>

#include "core/model/Dataset.h"

namespace rfx::ui {

// `extra[i]` holds the frames of `channels[i]` (one entry per time in channels[i].times_s).
DatasetPtr extendDataset(const DatasetPtr& base, std::vector<ChannelInfo> channels,
                         std::vector<std::vector<VolumePtr>> extra);

} // namespace rfx::ui
