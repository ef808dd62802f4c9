#pragma once
// Channel metadata: what a channel means (role), its unit and how it is shown by default.
// Data (Volume), display (DisplayHints here are only defaults) and storage (FrameSource) stay separate.
#include <array>
#include <string>
#include <vector>

#include "core/model/Grid.h"

namespace rfx {

enum class ChannelRole {
    RefractiveIndex,
    MeasuredFluorescence,
    PredictedFluorescence,
    Uncertainty,
    Probability,
    Labels,
    VectorField,
    Other,
};

std::string channelRoleName(ChannelRole r);
// Inverse of channelRoleName; throws InputError for unknown names.
ChannelRole channelRoleFromName(const std::string& name);

struct DisplayHints {
    std::array<float, 3> color{1.f, 1.f, 1.f};  // RGB in [0,1] for single-colour layers
    std::string colormap;                       // e.g. "gray", "turbo", "glasbey" (labels); empty: use color
    double windowLow = 0.0;                     // contrast window; low == high means "auto"
    double windowHigh = 0.0;
    double gamma = 1.0;
    bool visible = true;
    bool surface = false;  // drawn as an iso-surface in 3D (a cell mask: the cell's outline), not blended
};

struct ChannelInfo {
    std::string name;  // unique within a dataset, e.g. "ri", "nucleus", "nucleus_data_std"
    ChannelRole role = ChannelRole::Other;
    std::string unit;       // "RI", "a.u.", "µm", "label", "probability", ...
    int components = 1;     // 3 for vector fields (x, y, z components, in that order)
    std::string derivedFrom;  // e.g. the prediction an uncertainty map belongs to
    Grid grid;                // channels may differ in grid (TCF fluorescence vs. RI)
    std::vector<double> times_s;  // one entry per frame of this channel
    DisplayHints display;

    std::size_t frames() const { return times_s.size(); }
};

// Default display colours of the six RI2FL targets (as in the paper's figures) and other roles.
DisplayHints defaultDisplayFor(const std::string& channelName, ChannelRole role);

} // namespace rfx
