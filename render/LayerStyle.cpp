#include "render/LayerStyle.h"

#include <algorithm>
#include <cmath>

#include "core/model/Volume.h"
#include "render/VectorGlyphs.h"

namespace rfx::render {

std::array<double, 2> percentileWindow(const Volume& volume, double lowPercent, double highPercent)
{
    auto [lo, hi] = volume.range();
    if (!(hi > lo))
        return {lo, lo + 1.0};
    // Histogram instead of a sort: a 512x512x64 frame has 16 M values.
    constexpr int bins = 4096;
    std::vector<std::size_t> hist(bins, 0);
    const double scale = (bins - 1) / (hi - lo);
    const std::size_t n = volume.values();
    const std::size_t stride = std::max<std::size_t>(1, n / 2'000'000);  // a sample is enough
    std::size_t counted = 0;
    for (std::size_t i = 0; i < n; i += stride) {
        const double v = volume.valueAt(i);
        if (!std::isfinite(v))
            continue;
        ++hist[static_cast<std::size_t>((v - lo) * scale)];
        ++counted;
    }
    auto at = [&](double percent) {
        const double target = percent / 100.0 * double(counted);
        double acc = 0;
        for (int b = 0; b < bins; ++b) {
            acc += double(hist[b]);
            if (acc >= target)
                return lo + b / scale;
        }
        return hi;
    };
    double a = at(lowPercent), b = at(highPercent);
    if (!(b > a))
        b = a + (hi - lo) / bins;
    return {a, b};
}

LayerStyle defaultStyleFor(const ChannelInfo& channel, const Volume* sample)
{
    LayerStyle s;
    const DisplayHints& h = channel.display;
    s.visible = h.visible;
    s.surface = h.surface;
    s.color = h.color;
    s.colormap = h.colormap;
    s.gamma = h.gamma > 0 ? h.gamma : 1.0;
    s.windowLow = h.windowLow;
    s.windowHigh = h.windowHigh;
    if (!(s.windowHigh > s.windowLow)) {
        if (sample && channel.role == ChannelRole::Labels) {
            auto r = sample->range();
            s.windowLow = r.first;
            s.windowHigh = std::max(r.second, r.first + 1.0);
        } else if (sample && sample->components() == 3) {
            // Vector fields: colours over the magnitude, from 0 to its 99th percentile.
            s.windowLow = 0;
            s.windowHigh = std::max(magnitudePercentile(*sample, 99.0), 1e-30);
            if (s.colormap.empty())
                s.colormap = "turbo";
        } else if (sample) {
            auto w = percentileWindow(*sample);
            s.windowLow = w[0];
            s.windowHigh = w[1];
            // Predictions and uncertainties start at zero: keep the floor at the data minimum so
            // that faint signal is not clipped away.
            if (channel.role != ChannelRole::RefractiveIndex)
                s.windowLow = std::max(sample->range().first, 0.0);
        } else {
            s.windowLow = 0;
            s.windowHigh = 1;
        }
    }
    switch (channel.role) {
    case ChannelRole::RefractiveIndex:
        // RI is context: translucent so the fluorescence inside stays visible.
        s.opacity = 0.35;
        s.opacityCurve = {{0.0, 0.0}, {0.15, 0.0}, {0.5, 0.35}, {1.0, 0.9}};
        break;
    case ChannelRole::Uncertainty:
        s.opacity = 0.8;
        break;
    case ChannelRole::Labels:
        s.opacity = 0.5;
        break;
    default:
        s.opacity = 1.0;
        break;
    }
    return s;
}

bool operator==(const LayerStyle& a, const LayerStyle& b)
{
    const bool sameIso = a.isoValue == b.isoValue || (std::isnan(a.isoValue) && std::isnan(b.isoValue));
    const bool sameCurve = std::equal(a.opacityCurve.begin(), a.opacityCurve.end(), b.opacityCurve.begin(),
                                      b.opacityCurve.end(), [](const CurvePoint& p, const CurvePoint& q) {
                                          return p.x == q.x && p.opacity == q.opacity;
                                      });
    return a.visible == b.visible && a.color == b.color && a.colormap == b.colormap && a.opacity == b.opacity &&
           a.windowLow == b.windowLow && a.windowHigh == b.windowHigh && a.gamma == b.gamma && sameCurve && sameIso &&
           a.fadeBy == b.fadeBy && a.fadeHigh == b.fadeHigh && a.glyphStride == b.glyphStride &&
           a.glyphScale == b.glyphScale && a.surface == b.surface;
}

double curveOpacity(const LayerStyle& style, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    const auto& c = style.opacityCurve;
    if (c.empty())
        return std::pow(t, style.gamma > 0 ? style.gamma : 1.0);
    if (t <= c.front().x)
        return c.front().opacity;
    for (std::size_t i = 1; i < c.size(); ++i)
        if (t <= c[i].x) {
            const double w = (c[i].x > c[i - 1].x) ? (t - c[i - 1].x) / (c[i].x - c[i - 1].x) : 1.0;
            return c[i - 1].opacity + w * (c[i].opacity - c[i - 1].opacity);
        }
    return c.back().opacity;
}

} // namespace rfx::render
