#pragma once
// Tomocube TCF (HDF5) reader: classic and tiled (LDM) RI frames, /Data/3DFL channels,
// /Data/2DMIP, timestamps and the medium RI. Frames are read lazily.
#include <string>

#include "core/model/Dataset.h"

namespace rfx {

// Channels: "ri" (RI units, float32), then one per fluorescence channel "fl_ch0", ... (raw counts),
// then "ri_mip" (a 1-slice volume) when /Data/2DMIP exists. Throws InputError on malformed files.
DatasetPtr openTcf(const std::string& path);

} // namespace rfx
