#include "core/model/Channel.h"

#include "core/util/Errors.h"

namespace rfx {

namespace {
struct RoleName {
    ChannelRole role;
    const char* name;
};
constexpr RoleName kRoleNames[] = {
    {ChannelRole::RefractiveIndex, "refractive_index"},
    {ChannelRole::MeasuredFluorescence, "measured_fluorescence"},
    {ChannelRole::PredictedFluorescence, "predicted_fluorescence"},
    {ChannelRole::Uncertainty, "uncertainty"},
    {ChannelRole::Probability, "probability"},
    {ChannelRole::Labels, "labels"},
    {ChannelRole::VectorField, "vector_field"},
    {ChannelRole::Other, "other"},
};

struct NamedColor {
    const char* name;
    std::array<float, 3> rgb;
};
// Colours follow the RI2FL figures: nucleus blue, nucleoli cyan, membrane white/grey-ish magenta,
// actin red, mitochondria green, lipid droplets yellow.
constexpr NamedColor kTargetColors[] = {
    {"nucleus", {0.25f, 0.45f, 1.0f}},  {"nucleoli", {0.0f, 0.9f, 0.9f}},
    {"membrane", {0.9f, 0.3f, 0.9f}},   {"actin", {1.0f, 0.25f, 0.2f}},
    {"mitochondria", {0.2f, 1.0f, 0.3f}}, {"lipid_droplets", {1.0f, 0.9f, 0.1f}},
};
} // namespace

std::string channelRoleName(ChannelRole r)
{
    for (const auto& rn : kRoleNames)
        if (rn.role == r)
            return rn.name;
    return "other";
}

ChannelRole channelRoleFromName(const std::string& name)
{
    for (const auto& rn : kRoleNames)
        if (name == rn.name)
            return rn.role;
    throw InputError("unknown channel role '" + name + "'");
}

DisplayHints defaultDisplayFor(const std::string& channelName, ChannelRole role)
{
    DisplayHints h;
    // Force microscopy results: the cell as a translucent surface over the bead plane and arrows.
    if (channelName == "cell_mask") {
        h.surface = true;
        h.color = {0.85f, 0.85f, 0.85f};
        h.windowLow = 0;
        h.windowHigh = 1;
        return h;
    }
    if (channelName == "bead_slice") {
        h.colormap = "gray";
        return h;
    }
    // Of the force layers the nodal forces show at first; the rest are a tick away (one colour bar each).
    for (const char* hidden : {"quality", "strain_energy_density", "displacement", "force_density", "tractions"})
        if (channelName == hidden)
            h.visible = false;
    switch (role) {
    case ChannelRole::RefractiveIndex:
        h.colormap = "gray";
        h.windowLow = 1.337;
        h.windowHigh = 1.390;
        return h;
    case ChannelRole::Uncertainty:
        h.colormap = "magma";
        h.visible = false;
        return h;
    case ChannelRole::Labels:
        h.colormap = "glasbey";
        h.visible = false;
        return h;
    case ChannelRole::VectorField:
        h.colormap = "turbo";
        return h;
    default:
        break;
    }
    for (const auto& c : kTargetColors)
        if (channelName.rfind(c.name, 0) == 0) {
            h.color = c.rgb;
            return h;
        }
    h.color = {0.8f, 0.8f, 0.8f};
    return h;
}

} // namespace rfx
