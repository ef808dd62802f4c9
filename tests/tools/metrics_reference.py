#!/usr/bin/env python3
"""Independent reference for core/evaluation (docs/metrics.md), from numpy / scipy / scikit-image.

Reads two raw little-endian float32 volumes (truth, prediction) of shape Z,Y,X and prints JSON:
mse (skimage.metrics.mean_squared_error), pcc (numpy.corrcoef), dice, and for each requested
DATA_RANGE:TAPS a run with psnr (skimage.metrics.peak_signal_noise_ratio) and ssim. SSIM: with an 11-tap window this is skimage.metrics.structural_similarity(
gaussian_weights=True, sigma=1.5, use_sample_covariance=False) itself; skimage fixes its Gaussian
at truncate=3.5 (11 taps for sigma 1.5), so other windows re-run skimage's own formula with
scipy.ndimage.gaussian_filter(truncate=r/sigma) and the same border crop. The script first checks
that this re-run equals skimage at 11 taps. Dice uses truth > TT and prediction > TP.

Usage: metrics_reference.py TRUTH.f32 PRED.f32 Z,Y,X TT TP DATA_RANGE:TAPS [DATA_RANGE:TAPS ...]
"""
import json
import sys

import numpy as np
from scipy import ndimage
from skimage.metrics import mean_squared_error, peak_signal_noise_ratio, structural_similarity


def ssim_gaussian(a, b, data_range, taps, sigma=1.5, k1=0.01, k2=0.03):
    """skimage's structural_similarity (gaussian_weights, population covariance) with a window of `taps`."""
    r = (taps - 1) // 2

    def f(x):
        return ndimage.gaussian_filter(x, sigma=sigma, truncate=r / sigma, mode="reflect")

    ux, uy = f(a), f(b)
    vx = f(a * a) - ux * ux
    vy = f(b * b) - uy * uy
    vxy = f(a * b) - ux * uy
    c1, c2 = (k1 * data_range) ** 2, (k2 * data_range) ** 2
    s = ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
    return float(s[r:-r, r:-r, r:-r].mean(dtype=np.float64))


def main():
    truth_path, pred_path, shape_text, tt, tp = sys.argv[1:6]
    shape = tuple(int(v) for v in shape_text.split(","))
    t = np.fromfile(truth_path, dtype="<f4").reshape(shape).astype(np.float64)
    p = np.fromfile(pred_path, dtype="<f4").reshape(shape).astype(np.float64)
    a, b = t > float(tt), p > float(tp)
    total = a.sum() + b.sum()
    out = {
        "mse": float(mean_squared_error(t, p)),
        "pcc": float(np.corrcoef(t.ravel(), p.ravel())[0, 1]),
        "dice": float(2.0 * np.logical_and(a, b).sum() / total) if total else 1.0,
        "runs": [],
    }
    for spec in sys.argv[6:]:
        data_range, taps = float(spec.split(":")[0]), int(spec.split(":")[1])
        kw = dict(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=data_range)
        skimage_11 = structural_similarity(t, p, **kw)
        mine_11 = ssim_gaussian(t, p, data_range, 11)
        if abs(skimage_11 - mine_11) > 1e-12:
            sys.exit("re-implementation differs from skimage at 11 taps: %r vs %r" % (mine_11, skimage_11))
        ssim = skimage_11 if taps == 11 else ssim_gaussian(t, p, data_range, taps)
        out["runs"].append({"data_range": data_range, "taps": taps, "ssim": float(ssim),
                            "psnr": float(peak_signal_noise_ratio(t, p, data_range=data_range))})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
