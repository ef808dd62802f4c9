#pragma once
// Scores a prediction file against a ground-truth file channel by channel (channels matched by
// name): PSNR, Pearson correlation and 3D SSIM for intensity channels, foreground Dice for mask
// channels (docs/metrics.md).
#include <optional>
#include <string>
#include <vector>

#include "core/evaluation/StructuralSimilarity.h"
#include "core/model/Dataset.h"
#include "core/util/Progress.h"

namespace rfx {

struct EvaluationInputs {
    DatasetPtr prediction;
    DatasetPtr truth;
    // Channel names present in both; empty = every common scalar channel except refractive index.
    std::vector<std::string> channels;
    std::size_t frame = 0;
    // PSNR/SSIM data range L; unset: 1 when the truth lies in [0,1], else the truth's max − min.
    std::optional<double> dataRange;
    SsimOptions ssim;
};

struct ChannelScore {
    std::string name;
    bool mask = false;  // true: Dice only; false: intensity metrics only
    double dataRange = 1;
    double mse = 0;
    double psnr = 0;  // +infinity for identical volumes
    double pcc = 0;   // NaN when either volume is constant
    double ssim = 0;
    double dice = 0;
    // Instance label channels (both Labels with unit "label"): Dice per truth instance after
    // Hungarian matching (core/evaluation/InstanceMatching), averaged over truth instances.
    bool instances = false;
    double instanceDice = 0;
    int truthInstances = 0, predictedInstances = 0;
};

struct EvaluationReport {
    std::size_t frame = 0;
    std::vector<ChannelScore> channels;  // in the truth file's channel order (or the requested order)
};

// Throws InputError when channels are missing or not comparable, shapes differ, the frame does
// not exist, or no channel is common to both files.
EvaluationReport evaluateDatasets(const EvaluationInputs& inputs, const ProgressFn& progress = {},
                                  const CancelToken& cancel = {});

// True when a (truth, prediction) channel pair is scored as masks: either is a label channel, or
// the truth is a probability map.
bool isMaskPair(const ChannelInfo& truth, const ChannelInfo& prediction);

} // namespace rfx
