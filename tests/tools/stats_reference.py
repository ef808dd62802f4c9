#!/usr/bin/env python3
"""Independent SciPy reference for `refractome-cli stats` (core/analysis/ConditionStats).

Reads a feature CSV, groups rows by --by, and for every numeric feature column computes
scipy.stats.f_oneway over all groups and scipy.stats.ttest_ind(group, control, equal_var=True/False)
for every other group, then Benjamini-Hochberg adjusted p within each test type over all of its
rows (implemented here from the definition, no statsmodels). Writes the same long format as the
C++ code (feature,test,group,statistic,p,p_adj; features by F descending, then anova, t_student,
t_welch, groups in order of appearance) with full precision (repr), NaN as an empty cell.
Identifier columns are the ones listed in core/analysis/FeatureTable.cpp.

Usage: python3 tests/tools/stats_reference.py FEATURES.csv --by COLUMN [--control NAME] -o OUT.csv
Exit status 3 when SciPy is missing (callers skip).
"""
import argparse
import csv
import math
import sys
import warnings

try:
    import numpy as np
    from scipy import stats
except ImportError:  # pragma: no cover
    sys.exit(3)

IDENTIFIERS = {"source_file", "file", "frame", "time_s", "cell_id", "track_id", "condition",
               "centroid_x_um", "centroid_y_um", "centroid_z_um"}


def bh(p):
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = len(q)
    if m == 0:
        return out
    order = np.argsort(q, kind="mergesort")
    scaled = q[order] * m / np.arange(1, m + 1)
    scaled = np.minimum.accumulate(scaled[::-1])[::-1]
    adj = np.empty(m)
    adj[order] = np.minimum(scaled, 1.0)
    out[ok] = adj
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("features")
    ap.add_argument("--by", required=True)
    ap.add_argument("--control", default="")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()

    with open(a.features, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    by = header.index(a.by)
    labels = [r[by] for r in body]
    groups = list(dict.fromkeys(labels))
    control = a.control or ("control" if "control" in groups else groups[0])
    others = [g for g in groups if g != control]

    results = []
    for c, name in enumerate(header):
        if c == by or name in IDENTIFIERS:
            continue
        try:
            values = np.array([float(r[c]) for r in body])
        except ValueError:
            continue
        per = {g: values[[l == g for l in labels]] for g in groups}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f_stat, f_p = stats.f_oneway(*[per[g] for g in groups])
            student = [stats.ttest_ind(per[g], per[control], equal_var=True) for g in others]
            welch = [stats.ttest_ind(per[g], per[control], equal_var=False) for g in others]
        results.append((name, float(f_stat), float(f_p), student, welch))
    results.sort(key=lambda r: -r[1] if not math.isnan(r[1]) else math.inf)  # stable: ties keep column order

    out = []
    for name, f_stat, f_p, student, welch in results:
        out.append([name, "anova", "all", f_stat, f_p])
        out += [[name, "t_student", g, float(t.statistic), float(t.pvalue)] for g, t in zip(others, student)]
        out += [[name, "t_welch", g, float(t.statistic), float(t.pvalue)] for g, t in zip(others, welch)]
    for test in ("anova", "t_student", "t_welch"):
        idx = [i for i, r in enumerate(out) if r[1] == test]
        for i, q in zip(idx, bh([out[i][4] for i in idx])):
            out[i].append(q)

    cell = lambda v: "" if isinstance(v, float) and math.isnan(v) else (repr(v) if isinstance(v, float) else v)
    with open(a.output, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["feature", "test", "group", "statistic", "p", "p_adj"])
        for r in out:
            w.writerow([cell(v) for v in r])


if __name__ == "__main__":
    main()
