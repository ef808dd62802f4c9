#include "core/evaluation/DatasetEvaluation.h"

#include <algorithm>

#include "core/evaluation/ImageMetrics.h"
#include "core/evaluation/InstanceMatching.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {
// Labels are foreground above 0, probabilities above 0.5 (the RI2FL segmentation threshold).
double foregroundThreshold(const ChannelInfo& ch) { return ch.role == ChannelRole::Labels ? 0.0 : 0.5; }

std::string shapeText(const Grid& g)
{
    return std::to_string(g.shape[0]) + "x" + std::to_string(g.shape[1]) + "x" + std::to_string(g.shape[2]);
}

std::vector<std::string> defaultChannels(const Dataset& truth, const Dataset& prediction)
{
    std::vector<std::string> names;
    for (std::size_t c = 0; c < truth.channelCount(); ++c) {
        const ChannelInfo& ch = truth.channel(c);
        if (ch.role == ChannelRole::RefractiveIndex || ch.components != 1)
            continue;
        const int p = prediction.channelIndex(ch.name);
        if (p >= 0 && prediction.channel(p).components == 1)
            names.push_back(ch.name);
    }
    return names;
}

double automaticDataRange(const Volume& truth)
{
    const auto [lo, hi] = truth.range();
    if (lo >= 0 && hi <= 1)
        return 1.0;
    return hi > lo ? hi - lo : 1.0;
}
} // namespace

bool isMaskPair(const ChannelInfo& truth, const ChannelInfo& prediction)
{
    return truth.role == ChannelRole::Labels || truth.role == ChannelRole::Probability ||
           prediction.role == ChannelRole::Labels;
}

EvaluationReport evaluateDatasets(const EvaluationInputs& in, const ProgressFn& progress, const CancelToken& cancel)
{
    const Dataset& truth = *in.truth;
    const Dataset& pred = *in.prediction;
    if (in.dataRange && !(*in.dataRange > 0))
        throw InputError("--data-range: must be positive");
    const std::vector<std::string> names = in.channels.empty() ? defaultChannels(truth, pred) : in.channels;
    if (names.empty())
        throw inputError(pred.path(), "no channel in common with " + truth.path() +
                                          " (channels are matched by name; RI is compared only when named)");

    EvaluationReport report;
    report.frame = in.frame;
    for (std::size_t k = 0; k < names.size(); ++k) {
        const std::string& name = names[k];
        const int tc = truth.channelIndex(name), pc = pred.channelIndex(name);
        if (tc < 0)
            throw inputError(truth.path(), "no channel named '" + name + "'");
        if (pc < 0)
            throw inputError(pred.path(), "no channel named '" + name + "'");
        const ChannelInfo& tInfo = truth.channel(tc);
        const ChannelInfo& pInfo = pred.channel(pc);
        if (tInfo.components != 1 || pInfo.components != 1)
            throw inputError(pred.path(), "channel '" + name + "' is a vector field; metrics take scalar channels");
        if (in.frame >= tInfo.frames() || in.frame >= pInfo.frames())
            throw inputError(in.frame >= tInfo.frames() ? truth.path() : pred.path(),
                             "channel '" + name + "' has no frame " + std::to_string(in.frame));
        if (tInfo.grid.shape != pInfo.grid.shape)
            throw inputError(pred.path(), "channel '" + name + "' is " + shapeText(pInfo.grid) + " but the truth is " +
                                              shapeText(tInfo.grid));
        cancel.check();
        VolumePtr t = truth.frame(tc, in.frame);
        VolumePtr p = pred.frame(pc, in.frame);
        if (t->shape() != p->shape())
            throw inputError(pred.path(), "channel '" + name + "' frame shapes differ from the truth");

        ChannelScore s;
        s.name = name;
        s.mask = isMaskPair(tInfo, pInfo);
        if (s.mask) {
            s.dice = diceCoefficient(*t, foregroundThreshold(tInfo), *p, foregroundThreshold(pInfo));
            if (tInfo.role == ChannelRole::Labels && pInfo.role == ChannelRole::Labels && tInfo.unit == "label" &&
                pInfo.unit == "label" && t->type() != VoxelType::Float32 && p->type() != VoxelType::Float32) {
                const InstanceMatchReport m = matchInstances(*t, *p);
                s.instances = true;
                s.instanceDice = m.meanDice;
                s.truthInstances = m.truthCount;
                s.predictedInstances = m.predictedCount;
            }
        } else {
            s.dataRange = in.dataRange ? *in.dataRange : automaticDataRange(*t);
            s.mse = meanSquaredError(*t, *p);
            s.psnr = peakSignalToNoiseRatio(*t, *p, s.dataRange);
            s.pcc = pearsonCorrelation(*t, *p);
            const double begin = double(k) / double(names.size()), end = double(k + 1) / double(names.size());
            s.ssim = structuralSimilarity(*t, *p, s.dataRange, in.ssim, subProgress(progress, begin, end), cancel);
        }
        report.channels.push_back(s);
        if (progress)
            progress(double(k + 1) / double(names.size()), name);
    }
    return report;
}

} // namespace rfx
