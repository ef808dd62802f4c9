#pragma once
// Instance-level agreement of two label volumes: every truth instance is paired with at most one
// predicted instance by the Hungarian algorithm maximising the summed Dice, as in cell-tracking
// and instance-segmentation benchmarks. Unmatched truth instances score 0.
#include <vector>

#include "core/model/Volume.h"

namespace rfx {

struct InstancePair {
    int truthId = 0;
    int predictedId = 0;  // 0 when unmatched
    double dice = 0;
    double iou = 0;
};

struct InstanceMatchReport {
    std::vector<InstancePair> pairs;  // one per truth instance, by ascending truth id
    int truthCount = 0;
    int predictedCount = 0;
    int falsePositives = 0;  // predicted instances left unmatched
    double meanDice = 0;     // over truth instances
    double medianDice = 0;
};

// Both volumes must be integer label volumes of the same shape (InputError otherwise).
InstanceMatchReport matchInstances(const Volume& truth, const Volume& predicted);

} // namespace rfx
