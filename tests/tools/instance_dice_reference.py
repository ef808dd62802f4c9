#!/usr/bin/env python3
"""Independent reference for instance Dice (core/evaluation/InstanceMatching): truth and predicted
label instances paired by scipy.optimize.linear_sum_assignment maximising the summed Dice; mean
over truth instances (unmatched = 0). Prints JSON {channel: mean Dice} for frame 0.

Usage: instance_dice_reference.py PRED.h5 TRUTH.h5 CHANNEL [CHANNEL ...]
"""
import json
import sys

import h5py
import numpy as np
from scipy.optimize import linear_sum_assignment


def labels(path, name):
    return h5py.File(path, "r")["channels/" + name + "/000000"][()]


def mean_dice(t, p):
    ti = [i for i in np.unique(t) if i > 0]
    pi = [i for i in np.unique(p) if i > 0]
    d = np.zeros((len(ti), len(pi)))
    for a, i in enumerate(ti):
        tm = t == i
        for b, j in enumerate(pi):
            pm = p == j
            ov = np.count_nonzero(tm & pm)
            if ov:
                d[a, b] = 2 * ov / (tm.sum() + pm.sum())
    r, c = linear_sum_assignment(-d)
    scores = np.zeros(len(ti))
    scores[r] = d[r, c]
    return float(scores.mean()) if len(ti) else 0.0


pred, truth = sys.argv[1], sys.argv[2]
print(json.dumps({ch: mean_dice(labels(truth, ch), labels(pred, ch)) for ch in sys.argv[3:]}))
