#include "core/evaluation/InstanceMatching.h"

#include <algorithm>
#include <map>

#include "core/analysis/Hungarian.h"
#include "core/util/Errors.h"

namespace rfx {

namespace {

std::vector<std::int64_t> labelValues(const Volume& v, const char* what)
{
    if (v.type() == VoxelType::Float32 || v.components() != 1)
        throw InputError(std::string(what) + " is not a label volume");
    std::vector<std::int64_t> out(v.voxels());
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<std::int64_t>(v.valueAt(i));
    return out;
}

} // namespace

InstanceMatchReport matchInstances(const Volume& truth, const Volume& predicted)
{
    if (!truth.grid().sameShape(predicted.grid()))
        throw InputError("label volumes differ in shape");
    const auto t = labelValues(truth, "truth"), p = labelValues(predicted, "prediction");
    std::map<std::int64_t, std::size_t> tSize, pSize;
    std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> overlap;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t[i] > 0)
            ++tSize[t[i]];
        if (p[i] > 0)
            ++pSize[p[i]];
        if (t[i] > 0 && p[i] > 0)
            ++overlap[{t[i], p[i]}];
    }
    std::vector<std::int64_t> tIds, pIds;
    for (const auto& kv : tSize)
        tIds.push_back(kv.first);
    for (const auto& kv : pSize)
        pIds.push_back(kv.first);
    std::map<std::int64_t, std::size_t> pIndex;
    for (std::size_t j = 0; j < pIds.size(); ++j)
        pIndex[pIds[j]] = j;

    InstanceMatchReport rep;
    rep.truthCount = static_cast<int>(tIds.size());
    rep.predictedCount = static_cast<int>(pIds.size());
    std::vector<std::vector<double>> cost(tIds.size(), std::vector<double>(pIds.size(), 1e300));
    std::vector<std::vector<double>> dice(tIds.size(), std::vector<double>(pIds.size(), 0));
    for (std::size_t r = 0; r < tIds.size(); ++r)
        for (const auto& [key, ov] : overlap) {
            if (key.first != tIds[r])
                continue;
            const std::size_t c = pIndex[key.second];
            const double d = 2.0 * ov / static_cast<double>(tSize[key.first] + pSize[key.second]);
            dice[r][c] = d;
            cost[r][c] = 1.0 - d;
        }
    const std::vector<int> assign = solveAssignment(cost);
    std::vector<char> used(pIds.size(), 0);
    std::vector<double> scores;
    for (std::size_t r = 0; r < tIds.size(); ++r) {
        InstancePair pr;
        pr.truthId = static_cast<int>(tIds[r]);
        if (assign[r] >= 0) {
            const auto c = static_cast<std::size_t>(assign[r]);
            used[c] = 1;
            pr.predictedId = static_cast<int>(pIds[c]);
            pr.dice = dice[r][c];
            pr.iou = pr.dice / (2 - pr.dice);
        }
        scores.push_back(pr.dice);
        rep.pairs.push_back(pr);
    }
    rep.falsePositives = static_cast<int>(std::count(used.begin(), used.end(), 0));
    if (!scores.empty()) {
        double s = 0;
        for (double d : scores)
            s += d;
        rep.meanDice = s / static_cast<double>(scores.size());
        std::sort(scores.begin(), scores.end());
        const std::size_t k = scores.size();
        rep.medianDice = k % 2 ? scores[k / 2] : 0.5 * (scores[k / 2 - 1] + scores[k / 2]);
    }
    return rep;
}

} // namespace rfx
