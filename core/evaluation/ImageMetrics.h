#pragma once
// Voxel-wise image-quality metrics of a prediction against its ground truth (docs/metrics.md).
// Both volumes must be scalar and of the same shape (std::invalid_argument otherwise); values are
// read as float whatever the storage type, sums are accumulated in double.
#include "core/model/Volume.h"

namespace rfx {

double meanSquaredError(const Volume& truth, const Volume& prediction);

// 10·log10(L² / MSE) with data range L; +infinity when the volumes are identical (MSE = 0).
double peakSignalToNoiseRatio(const Volume& truth, const Volume& prediction, double dataRange);

// Pearson correlation over all voxels; NaN when either volume is constant (undefined).
double pearsonCorrelation(const Volume& truth, const Volume& prediction);

// Foreground Dice 2|A∩B| / (|A| + |B|) with A = truth > truthThreshold, B = prediction > predictionThreshold
// (labels: threshold 0; probabilities: 0.5). Two empty masks agree perfectly: 1.
double diceCoefficient(const Volume& truth, double truthThreshold, const Volume& prediction,
                       double predictionThreshold);

} // namespace rfx
