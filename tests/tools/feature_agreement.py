#!/usr/bin/env python3
"""Paper-style feature validation (docs/segmentation.md): features computed from predicted
fluorescence against features from ground-truth fluorescence, by the same pipeline.

Cells of the two tables are paired per source field (the trailing number of source_file) and
frame by the Hungarian algorithm on centroid distance (pairs further than 3 µm apart dropped).
Prints the median per-feature Pearson r, the pooled r with every feature z-scored within each
table, and the pooled r of raw values (scale-dominated; for reference only).

Usage: feature_agreement.py TRUTH_FEATURES.csv PREDICTED_FEATURES.csv
"""
import csv
import json
import os
import re
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment

IDS = {"source_file", "frame", "time_s", "cell_id", "track_id", "parent_id", "condition",
       "centroid_x_um", "centroid_y_um", "centroid_z_um", "touches_border"}


def load(path):
    rows = list(csv.DictReader(open(path)))
    feats = [k for k in rows[0] if k not in IDS]
    return rows, feats


def key(row):
    # the field number: the last digits of the file name without its extension (segp205.h5 -> 205)
    stem = os.path.splitext(os.path.basename(row["source_file"]))[0]
    m = re.search(r"(\d+)\D*$", stem)
    return (m.group(1) if m else row["source_file"], row["frame"])


truth, feats = load(sys.argv[1])
pred, _ = load(sys.argv[2])
T, P = [], []
for k in sorted({key(r) for r in truth}):
    tr = [r for r in truth if key(r) == k]
    pr = [r for r in pred if key(r) == k]
    if not tr or not pr:
        continue
    c = lambda r: np.array([float(r["centroid_x_um"]), float(r["centroid_y_um"]), float(r["centroid_z_um"])])
    d = np.array([[np.linalg.norm(c(a) - c(b)) for b in pr] for a in tr])
    ri, ci = linear_sum_assignment(d)
    for a, b in zip(ri, ci):
        if d[a, b] < 3:
            T.append([float(tr[a][f]) for f in feats])
            P.append([float(pr[b][f]) for f in feats])
T, P = np.array(T), np.array(P)
ok = (T.std(0) > 0) & (P.std(0) > 0)
per = {f: float(np.corrcoef(T[:, i], P[:, i])[0, 1]) for i, f in enumerate(feats) if ok[i]}
z = lambda A: ((A - A.mean(0)) / np.where(A.std(0) > 0, A.std(0), 1))[:, ok]
print(json.dumps({
    "matched_cells": len(T),
    "features": int(ok.sum()),
    "median_per_feature_r": float(np.median(list(per.values()))),
    "pooled_r_zscored": float(np.corrcoef(z(T).ravel(), z(P).ravel())[0, 1]),
    "pooled_r_raw": float(np.corrcoef(T.ravel(), P.ravel())[0, 1]),
    "weakest": dict(sorted(per.items(), key=lambda kv: kv[1])[:10]),
}, indent=1))
