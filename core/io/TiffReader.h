#pragma once
// TIFF stacks: ImageJ hyperstacks (spacing, unit, channels, frames), OME-TIFF (PhysicalSize*),
// plain multi-page stacks, and a folder of one-TIFF-per-slice read as one stack. 8/16/32-bit.
#include <string>

#include "core/model/Dataset.h"

namespace rfx {

DatasetPtr openTiff(const std::string& pathOrFolder);

} // namespace rfx
