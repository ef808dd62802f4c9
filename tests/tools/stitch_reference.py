#!/usr/bin/env python3
"""Independent reference for the pairwise tile offsets of `refractome-cli stitch` (docs/metrics.md).

Reads results HDF5 tiles with h5py, takes nominal positions from each tile's origin_um / spacing_um
relative to the first tile, and for every pair whose nominal boxes overlap by at least 8 voxels per
axis registers the two nominal-overlap crops with skimage.registration.phase_cross_correlation
(upsample factor 10) after a separable Tukey(0.25) taper. Prints JSON:
{"pairs": [{"a": i, "b": j, "offset": [dz, dy, dx]}]} with offset = position(b) - position(a), voxels.

Usage: stitch_reference.py CHANNEL TILE.h5 TILE.h5 ...
"""
import json
import sys

import h5py
import numpy as np
from scipy.signal.windows import tukey
from skimage.registration import phase_cross_correlation


def main():
    channel, paths = sys.argv[1], sys.argv[2:]
    tiles, origins = [], []
    for p in paths:
        with h5py.File(p, "r") as f:
            g = f["channels/" + channel]
            tiles.append(g["000000"][...].astype(np.float64))
            origins.append(np.asarray(g.attrs["origin_um"]) / np.asarray(g.attrs["spacing_um"]))
    start = [np.rint(o - origins[0]).astype(int) for o in origins]
    pairs = []
    for a in range(len(tiles)):
        for b in range(a + 1, len(tiles)):
            lo = np.maximum(start[a], start[b])
            hi = np.minimum(start[a] + tiles[a].shape, start[b] + tiles[b].shape)
            if np.any(hi - lo < 8):
                continue
            ca = tiles[a][tuple(slice(l - s, h - s) for l, h, s in zip(lo, hi, start[a]))]
            cb = tiles[b][tuple(slice(l - s, h - s) for l, h, s in zip(lo, hi, start[b]))]
            w = np.einsum("i,j,k->ijk", *(tukey(n, 0.25) for n in ca.shape))
            shift = phase_cross_correlation((ca - ca.mean()) * w, (cb - cb.mean()) * w, upsample_factor=10,
                                            return_error=False)
            # skimage's shift moves crop b onto crop a, so tile b sits `shift` after its nominal place.
            offset = (start[b] - start[a]) + np.asarray(shift)
            pairs.append({"a": a, "b": b, "offset": [float(v) for v in offset]})
    print(json.dumps({"pairs": pairs}))


if __name__ == "__main__":
    main()
