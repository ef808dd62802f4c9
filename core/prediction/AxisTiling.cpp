#include "core/prediction/AxisTiling.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rfx {

AxisTiling planAxis(std::size_t length, std::size_t patch, double overlapFraction)
{
    if (length == 0 || patch == 0)
        throw std::invalid_argument("planAxis: empty axis or patch");
    AxisTiling t;
    t.length = length;
    t.patch = patch;
    if (length <= patch) {
        t.count = 1;
        t.stride = patch;
        t.padBefore = (patch - length) / 2;
        t.padAfter = patch - length - t.padBefore;
        t.weight.assign(patch, 1.0f);
        return t;
    }
    overlapFraction = std::clamp(overlapFraction, 0.0, 0.9);
    t.overlap = std::min<std::size_t>(patch - 1, static_cast<std::size_t>(std::lround(overlapFraction * double(patch))));
    t.stride = patch - t.overlap;
    t.margin = t.overlap / 4;
    t.padBefore = t.margin;
    const std::size_t minimal = t.margin + length + t.margin;
    const std::size_t rest = (minimal - patch) % t.stride;
    t.padAfter = t.margin + (rest ? t.stride - rest : 0);
    t.count = (t.paddedLength() - patch) / t.stride + 1;

    t.weight.resize(patch);
    const double ramp = double(t.overlap) - 2.0 * double(t.margin);
    for (std::size_t i = 0; i < patch; ++i) {
        const std::size_t d = std::min(i, patch - 1 - i);
        double w = 1.0;
        if (t.overlap > 0) {
            if (d < t.margin)
                w = 0.0;
            else if (double(d) < double(t.overlap) - double(t.margin))
                w = 0.5 - 0.5 * std::cos(M_PI * (double(d - t.margin) + 0.5) / ramp);
        }
        t.weight[i] = static_cast<float>(w);
    }
    return t;
}

std::size_t mirrorIndex(long long i, std::size_t n)
{
    if (n == 1)
        return 0;
    const long long period = 2 * (static_cast<long long>(n) - 1);
    long long m = i % period;
    if (m < 0)
        m += period;
    return static_cast<std::size_t>(m < static_cast<long long>(n) ? m : period - m);
}

} // namespace rfx
