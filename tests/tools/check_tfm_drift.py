#!/usr/bin/python3
"""Both force methods on a synthetic bead pair whose stressed stack was moved by whole voxels (a stage
drift), through refractome-cli: displacement RMSE per axis (voxels) after taking the drift back out,
judged as docs/tfm.md judges (models/force-synthetic/train.py node_errors). docs/tfm.md "Stage drift"
records a run.

Usage: check_tfm_drift.py CLI BASE    (BASE.h5 and BASE_relaxed/_stressed.tif from `synth beads`,
                                        voxels of 0.4 µm)
"""
import importlib.util
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import tifffile

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("train", os.path.join(here, "../../models/force-synthetic/train.py"))
train = importlib.util.module_from_spec(spec)
spec.loader.exec_module(train)

cli, base = sys.argv[1], sys.argv[2]
stressed = tifffile.imread(base + "_stressed.tif")
background = np.median(stressed)
work = tempfile.mkdtemp()
for drift in [(4, -8, 6), (3, -5, 7), (1, 1, -1), (0, 9, 0)]:  # (z, y, x) voxels
    moved = np.full_like(stressed, background)
    src = tuple(slice(max(0, -d), stressed.shape[a] - max(0, d)) for a, d in enumerate(drift))
    dst = tuple(slice(max(0, d), stressed.shape[a] - max(0, -d)) for a, d in enumerate(drift))
    moved[dst] = stressed[src]
    tifffile.imwrite(os.path.join(work, "moved.tif"), moved)
    row = {}
    for method in ("dvc", "dl"):
        out = os.path.join(work, method + ".h5")
        subprocess.run([cli, "tfm", base + "_relaxed.tif", os.path.join(work, "moved.tif"), "-o", out, "--young",
                        "1000", "--poisson", "0.45", "--voxel", "0.4,0.4,0.4", "--method", method, "--quiet"],
                       check=True, stderr=subprocess.DEVNULL)
        with h5py.File(out, "r+") as f:
            d = f["channels/displacement/000000"]
            u = d[:]
            for c in range(3):  # components x, y, z; drift (z, y, x)
                u[..., c] -= drift[2 - c] * 0.4
            d[...] = u
        row[method] = [round(v, 4) for v in train.node_errors(base + ".h5", out)[0]]
    print("drift (z, y, x)", drift, "RMSE x y z (voxel):", row, flush=True)
