#pragma once
// How one layer (one channel of a dataset) is displayed: the display model, kept apart from the
// data. It starts from the channel's DisplayHints and is then edited by the user (layers panel,
// session files, CLI options). Plain data, no VTK or Qt, so ui, render and the CLI share it.
#include <array>
#include <string>
#include <vector>

#include "core/model/Channel.h"

namespace rfx {
class Volume;

namespace render {

// A control point of an opacity curve: x in [0, 1] across the contrast window, opacity in [0, 1].
struct CurvePoint {
    double x = 0;
    double opacity = 0;
};

// A new setting must also be compared in operator== (the blend cache's key).
struct LayerStyle {
    bool visible = true;
    std::array<float, 3> color{1.f, 1.f, 1.f};  // single-colour layers
    std::string colormap;                       // "gray", "magma", "turbo", "glasbey"; empty: color
    double opacity = 1.0;                       // layer weight in [0, 1]
    double windowLow = 0.0;                     // contrast window in data units
    double windowHigh = 1.0;
    double gamma = 1.0;
    // Optional opacity curve over the window (the RI transfer-function editor); empty: a
    // gamma ramp. Points are kept sorted by x.
    std::vector<CurvePoint> opacityCurve;
    // Iso-surface mode: the level in data units (NaN: the middle of the window).
    double isoValue = 0.0 / 0.0;
    // Uncertainty fading: index (in the same layer list) of an uncertainty map whose value at
    // `fadeHigh` and above removes this layer completely; -1 for none.
    int fadeBy = -1;
    double fadeHigh = 0.0;  // 0: the uncertainty layer's own window high

    // Vector layers (arrows): every glyphStride-th node (0: automatic, at most ~8,000 arrows);
    // arrow length per unit of magnitude in µm (0: automatic, the window's top drawn 1.5 strides long).
    int glyphStride = 0;
    double glyphScale = 0.0;
    // Drawn as an iso-surface at isoValue in every render mode instead of being blended into the
    // volume (a cell mask as the cell's outline). Layers of one z-slice are always drawn as a plane.
    bool surface = false;

        bool isLabels() const { return colormap == "glasbey"; }
};

// Display defaults for a channel: hints as stored with the data, with an automatic contrast
// window (robust percentiles of `sample`) when the hints leave it open.
// Every setting equal (two unset iso values count as equal): the blend cache's key.
bool operator==(const LayerStyle& a, const LayerStyle& b);
inline bool operator!=(const LayerStyle& a, const LayerStyle& b) { return !(a == b); }

LayerStyle defaultStyleFor(const ChannelInfo& channel, const Volume* sample);

// Robust window: the [lowPercent, highPercent] percentiles of the finite values.
std::array<double, 2> percentileWindow(const Volume& volume, double lowPercent = 0.5, double highPercent = 99.8);

// Opacity curve value at t in [0, 1] (linear between points; gamma ramp when empty).
double curveOpacity(const LayerStyle& style, double t);

} // namespace render
} // namespace rfx
