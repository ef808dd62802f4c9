#pragma once
// ImageJ-compatible TIFF writer (one channel, one frame): float32/uint16/uint8 pages with the
// ImageJ description (slices, spacing, unit=micron) and X/Y resolution, written atomically.
#include <string>

#include "core/model/Volume.h"

namespace rfx {

void writeImageJTiff(const std::string& path, const Volume& volume, const std::string& valueUnit = "");

} // namespace rfx
