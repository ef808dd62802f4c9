#include "core/segmentation/Thresholding.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace rfx {

double otsuThreshold(const Volume& image)
{
    const auto [lo, hi] = image.range();
    if (!(hi > lo))
        return lo;
    constexpr int kBins = 256;
    std::vector<double> hist(kBins, 0.0);
    for (std::size_t i = 0; i < image.values(); ++i) {
        const double v = image.valueAt(i);
        if (std::isfinite(v))
            hist[static_cast<std::size_t>(std::min(kBins - 1.0, (v - lo) / (hi - lo) * kBins))] += 1;
    }
    double total = 0, sumAll = 0;
    for (int b = 0; b < kBins; ++b) {
        total += hist[b];
        sumAll += b * hist[b];
    }
    double w0 = 0, sum0 = 0, bestVar = -1;
    int bestBin = 0;
    for (int b = 0; b < kBins - 1; ++b) {
        w0 += hist[b];
        sum0 += b * hist[b];
        const double w1 = total - w0;
        if (w0 == 0 || w1 == 0)
            continue;
        const double m0 = sum0 / w0, m1 = (sumAll - sum0) / w1;
        const double var = w0 * w1 * (m0 - m1) * (m0 - m1);
        if (var > bestVar) {
            bestVar = var;
            bestBin = b;
        }
    }
    return lo + (bestBin + 1.0) / kBins * (hi - lo);  // upper edge of the background class
}

} // namespace rfx
