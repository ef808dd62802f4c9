#pragma once
// 3D SSIM (Wang et al. 2004) with a separable Gaussian window, defined as scikit-image's
// structural_similarity(gaussian_weights=True, use_sample_covariance=False): weighted local means,
// population (co)variances, c1 = (k1·L)², c2 = (k2·L)², and the mean over the voxels at least
// (taps−1)/2 from every border. Only those voxels are computed, so no padding is ever read and
// skimage's 'reflect' border mode does not matter. taps = 11 reproduces skimage's default exactly;
// the default 7 is the RI2FL paper's "Gaussian window of 7 voxels" (docs/metrics.md).
#include "core/model/Volume.h"
#include "core/util/Progress.h"

namespace rfx {

struct SsimOptions {
    int windowTaps = 7;   // odd; the Gaussian is truncated to this many taps per axis and renormalised
    double sigma = 1.5;   // voxels
    double k1 = 0.01;
    double k2 = 0.03;
};

// Throws InputError when a volume axis is shorter than the window, std::invalid_argument for
// mismatched volumes or bad options.
double structuralSimilarity(const Volume& truth, const Volume& prediction, double dataRange,
                            const SsimOptions& options = {}, const ProgressFn& progress = {},
                            const CancelToken& cancel = {});

} // namespace rfx
