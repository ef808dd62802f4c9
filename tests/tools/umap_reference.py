#!/usr/bin/env python3
"""Compares `refractome-cli embed` with umap-learn on the same data (docs/analysis-validation.md).

For each dataset it writes a feature CSV, embeds it with the CLI and with umap.UMAP(n_neighbors=5,
min_dist=0.5, random_state=seed) on the z-scored features (sklearn StandardScaler, as the CLI
z-scores), and reports sklearn.manifold.trustworthiness (k = 5 and 10, against the z-scored
features) of both, plus wall-clock times (umap-learn timed after a warm-up that JIT-compiles numba).
Datasets: gaussian blobs 4000 x 65 (6 centres), a synthetic 'conditions' set (6 cell types x 667
cells, 65 correlated morphology/RI/fluorescence-like features on different scales, continuous
within-type variation), and sklearn's bundled digits (1797 x 64, real data).

Usage: python3 tests/tools/umap_reference.py CLI [--workdir DIR] [--seed S] [--only NAME]
Needs Debian's umap-learn (apt-get install umap-learn) for /usr/bin/python3.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.datasets import load_digits, make_blobs
from sklearn.manifold import trustworthiness
from sklearn.preprocessing import StandardScaler


def blobs(seed):
    x, y = make_blobs(n_samples=4000, n_features=65, centers=6, cluster_std=4.0, random_state=seed)
    return x, [f"type{v}" for v in y]


def conditions(seed):
    rng = np.random.default_rng(seed)
    types, per, latent = 6, 667, 6
    mixing = rng.normal(size=(latent + 1, 65))
    scales = np.exp(rng.uniform(-3, 6, size=65))  # µm³ next to RI next to intensities
    rows, labels = [], []
    for t in range(types):
        centre = rng.normal(scale=1.5, size=latent)
        axis = rng.normal(size=latent)
        for _ in range(per):
            s = rng.uniform(-1, 1)  # continuous state within a type (cell cycle, size)
            z = centre + s * axis + rng.normal(scale=0.5, size=latent)
            raw = np.append(z, s * s) @ mixing
            noise = rng.normal(scale=0.3 + 0.2 * t / types, size=65)
            f = np.where(np.arange(65) % 3 == 0, np.exp(0.3 * raw), raw) + noise
            rows.append(f * scales)
            labels.append(f"type{t}")
    return np.array(rows), labels


def digits(seed):
    d = load_digits()
    return d.data.astype(float), [f"digit{v}" for v in d.target]


DATASETS = {"blobs_4000x65": blobs, "conditions_4002x65": conditions, "digits_1797x64": digits}


def write_csv(path, x, labels):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["cell_id", "condition"] + [f"feature_{i}" for i in range(x.shape[1])])
        for i, (row, label) in enumerate(zip(x, labels)):
            w.writerow([i, label] + [repr(float(v)) for v in row])


def read_embedding(path):
    with open(path, newline="") as f:
        r = list(csv.DictReader(f))
    return np.array([[float(row["umap_1"]), float(row["umap_2"])] for row in r])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", default=None)
    a = ap.parse_args()

    import umap  # late: slow import

    work = a.workdir or tempfile.mkdtemp(prefix="umap-reference-")
    os.makedirs(work, exist_ok=True)
    umap.UMAP(n_neighbors=5, min_dist=0.5, random_state=0).fit_transform(np.random.default_rng(0).normal(size=(200, 5)))

    print("| dataset | T(5) refractome | T(5) umap-learn | T(10) refractome | T(10) umap-learn | "
          "refractome s (wall / cpu) | umap-learn s |")
    print("|---|---|---|---|---|---|---|")
    for name, make in DATASETS.items():
        if a.only and a.only != name:
            continue
        x, labels = make(a.seed)
        path, out = os.path.join(work, name + ".csv"), os.path.join(work, name + "_umap.csv")
        write_csv(path, x, labels)
        before = os.times()
        t0 = time.perf_counter()
        subprocess.run([a.cli, "embed", path, "-o", out, "--quiet", "--seed", str(a.seed)], check=True,
                       stderr=subprocess.DEVNULL)
        ours_s = time.perf_counter() - t0
        after = os.times()
        ours_cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        ours = read_embedding(out)

        z = StandardScaler().fit_transform(x)
        t0 = time.perf_counter()
        theirs = umap.UMAP(n_neighbors=5, min_dist=0.5, random_state=a.seed).fit_transform(z)
        theirs_s = time.perf_counter() - t0
        t = {(who, k): trustworthiness(z, emb, n_neighbors=k)
             for who, emb in (("ours", ours), ("theirs", theirs)) for k in (5, 10)}
        print(f"| {name} | {t['ours', 5]:.4f} | {t['theirs', 5]:.4f} | {t['ours', 10]:.4f} | "
              f"{t['theirs', 10]:.4f} | {ours_s:.2f} / {ours_cpu:.2f} | {theirs_s:.2f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
