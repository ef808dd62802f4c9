#pragma once
// Stitches overlapping 3D tiles into one field: nominal positions (TileLayout), pairwise phase
// correlation of each nominally overlapping pair (PhaseCorrelation), least-squares placement
// (GlobalPlacement), feathered composition (TileBlender). docs/metrics.md, "Stitching".
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/model/Dataset.h"
#include "core/stitching/TileLayout.h"
#include "core/util/Progress.h"

namespace rfx {

struct StitchInputs {
    std::vector<DatasetPtr> tiles;
    std::string channel;       // registered (and stitched) channel; empty: the RI channel, else the first
    bool allChannels = false;  // also compose every other scalar channel all tiles share
    std::size_t frame = 0;
    std::optional<TileGridLayout> layout;  // overrides the tiles' origins
    double minCorrelation = 0.2;           // below: the pair keeps its nominal offset at low weight
    std::size_t minOverlap = 8;            // voxels per axis for two tiles to count as neighbours
};

struct StitchPair {
    std::size_t a = 0, b = 0;
    std::array<double, 3> nominal{0, 0, 0};   // nominal position(b) − position(a), voxels (z, y, x)
    std::array<double, 3> measured{0, 0, 0};  // registered offset
    double correlation = 0;                   // Pearson r of the overlap at the registered shift
    bool used = false;                        // correlation ≥ minCorrelation
    double residual = 0;                      // |placed offset − measured offset|, voxels
};

struct StitchResult {
    std::vector<ChannelInfo> channels;  // output channel infos (grid: the mosaic)
    std::vector<Volume> volumes;        // one frame per channel
    std::vector<std::array<double, 3>> nominal;    // per tile, voxels relative to tile 1's nominal position
    std::vector<std::array<double, 3>> positions;  // per tile, registered (sub-voxel)
    std::vector<std::array<long, 3>> offsets;      // per tile, integer placement in the mosaic
    std::vector<StitchPair> pairs;
    std::vector<std::string> skippedChannels;      // --all-channels: names not composable
    double mediumRI = 1.337;
};

// Throws InputError for fewer than two tiles, different spacings, unknown positions, a missing
// channel or frame, or tiles that do not overlap.
StitchResult stitchTiles(const StitchInputs& inputs, const ProgressFn& progress = {}, const CancelToken& cancel = {});

} // namespace rfx
