#pragma once
// The organelles segmented from predicted fluorescence: the single list that drives the default
// thresholds, the mask channel names of `segment` and docs/features.md.
#include <array>
#include <string>

namespace rfx {

struct OrganelleSpec {
    const char* name;         // also the fluorescence channel it is segmented from
    double defaultThreshold;  // on the channel's [0, 1] intensity scale
    double minObject_um3;     // smaller connected components are noise
    const char* why;          // how the default was chosen (documentation)
};

// Defaults measured on predicted channels of held-out synthetic fields (the threshold giving the
// best voxel Dice against the ground-truth masks, rounded; docs/segmentation.md).
inline constexpr std::array<OrganelleSpec, 5> kOrganelles{{
    {"nucleus", 0.40, 3.0, "half-maximum of the nucleus stain; nucleoli are added and holes filled"},
    {"nucleoli", 0.35, 0.05, "small bright bodies: below half-maximum because prediction blurs them"},
    {"membrane", 0.30, 0.0, "thin sheet: a low threshold keeps it connected"},
    {"lipid_droplets", 0.45, 0.02, "near half-maximum of the droplet stain"},
    {"mitochondria", 0.35, 0.01, "thin tubes: prediction spreads them, so below half-maximum"},
}};

// "<organelle>_mask": the channel name of an organelle mask in results files.
inline std::string maskChannelName(const std::string& organelle) { return organelle + "_mask"; }

} // namespace rfx
