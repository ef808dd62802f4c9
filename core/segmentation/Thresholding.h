#pragma once
// Automatic thresholds shared by segmentation and force-reconstruction cell masks.
#include "core/model/Volume.h"

namespace rfx {

// Otsu's threshold over a 256-bin histogram of the finite values (the upper edge of the
// background class); the minimum for a constant volume.
double otsuThreshold(const Volume& image);

} // namespace rfx
