#!/usr/bin/env python3
"""Independent numpy/scipy checks of the classical force microscopy (docs/tfm.md, "Independent checks").

1. Direct method: samples the Kelvin field of a point force on a node grid, computes strain, linear elastic
   stress and f = -div(sigma) with numpy.gradient (written from scratch, not from the C++), and sums
   f x node volume within spheres of 3 and 4 node spacings around the force. Must recover F within 3 %.
2. DVC: renders random Gaussian beads, shifts the volume with scipy.ndimage.shift (cubic spline, a
   different interpolator than any in Refractome), writes both as float32 TIFF stacks, runs
   `refractome-cli tfm ... --vectors` and compares every node's displacement with the shift.
   Must agree within 0.05 voxel RMS per axis.
Usage: /usr/bin/python3 tests/tools/check_dvc.py [PATH/TO/refractome-cli]   (exit status 0 when all pass)
"""
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
from scipy import ndimage


def kelvin(x, F, E, nu):
    """u(x) for point force F at the origin; x has shape (..., 3)."""
    mu = E / (2 * (1 + nu))
    r = np.linalg.norm(x, axis=-1)[..., None]
    return (F * (3 - 4 * nu) + x * (x @ F)[..., None] / r**2) / (16 * np.pi * mu * (1 - nu) * r)


def check_direct_method():
    E, nu, h = 1000.0, 0.45, 3.2
    mu, lam = E / (2 * (1 + nu)), E * nu / ((1 + nu) * (1 - 2 * nu))
    nz, ny, nx = 12, 16, 20
    z, y, x = np.meshgrid(np.arange(nz) * h, np.arange(ny) * h, np.arange(nx) * h, indexing="ij")
    pos = np.stack([x, y, z], -1)  # (x, y, z) components
    c = np.array([9.5, 7.5, 5.5]) * h
    F = np.array([3000.0, -1000.0, 2000.0])
    u = kelvin(pos - c, F, E, nu)
    # grad[..., i, j] = d u_i / d x_j ; array axes are (z, y, x) -> x_j is axis 2 - j
    grad = np.stack([np.stack(np.gradient(u[..., i], h, h, h)[::-1], -1) for i in range(3)], -2)
    eps = 0.5 * (grad + np.swapaxes(grad, -1, -2))
    tr = np.trace(eps, axis1=-2, axis2=-1)
    sigma = lam * tr[..., None, None] * np.eye(3) + 2 * mu * eps
    f = -sum(np.gradient(sigma[..., :, j], h, axis=2 - j) for j in range(3))
    nodal = f * h**3
    ok = True
    for radius in (3, 4):
        inside = np.linalg.norm(pos - c, axis=-1) <= radius * h
        s = nodal[inside].sum(0)
        err = np.linalg.norm(s) / np.linalg.norm(F) - 1
        ang = np.degrees(np.arccos(np.clip(s @ F / np.linalg.norm(s) / np.linalg.norm(F), -1, 1)))
        print(f"direct method, sphere of {radius} nodes: recovered {s.round(0)} pN, |F| error {100 * err:+.2f} %, "
              f"angle {ang:.2f} deg")
        ok &= abs(err) < 0.03 and ang < 1.0
    return ok


def write_tiff(path, vol):
    """Minimal little-endian multi-page float32 TIFF, one strip per page."""
    nz, ny, nx = vol.shape
    data = vol.astype("<f4")
    with open(path, "wb") as out:
        out.write(b"II*\x00")
        out.write(struct.pack("<I", 8))
        offset = 8
        for k in range(nz):
            n_tags = 10
            ifd_size = 2 + n_tags * 12 + 4
            strip = offset + ifd_size
            nxt = strip + nx * ny * 4 if k + 1 < nz else 0
            tags = [(256, 4, 1, nx), (257, 4, 1, ny), (258, 3, 1, 32), (259, 3, 1, 1), (262, 3, 1, 1),
                    (273, 4, 1, strip), (277, 3, 1, 1), (278, 4, 1, ny), (279, 4, 1, nx * ny * 4), (339, 3, 1, 3)]
            out.write(struct.pack("<H", n_tags))
            for tag, typ, count, value in tags:
                out.write(struct.pack("<HHII", tag, typ, count, value) if typ == 4 else
                          struct.pack("<HHIHH", tag, typ, count, value, 0))
            out.write(struct.pack("<I", nxt))
            out.write(data[k].tobytes())
            offset = nxt


def check_dvc(cli):
    rng = np.random.default_rng(11)
    shape = (48, 64, 64)
    n = int(0.02 * 0.064 * np.prod(shape))  # 0.02 beads/µm³ at 0.4 µm voxels
    vol = np.zeros(shape)
    idx = tuple(rng.integers(0, s, n) for s in shape)
    vol[idx] = rng.uniform(0.6, 1.0, n)
    vol = ndimage.gaussian_filter(vol, 0.75) * (2 * np.pi * 0.75**2) ** 1.5  # Gaussian beads of peak ~1
    shift = np.array([0.35, -1.25, 2.6])  # (z, y, x) voxels
    moved = ndimage.shift(vol, shift, order=3, mode="nearest")
    relaxed = vol + 0.02 + rng.normal(0, 0.01, shape)
    stressed = moved + 0.02 + rng.normal(0, 0.01, shape)
    with tempfile.TemporaryDirectory() as d:
        a, b = os.path.join(d, "relaxed.tif"), os.path.join(d, "stressed.tif")
        write_tiff(a, relaxed)
        write_tiff(b, stressed)
        csv = os.path.join(d, "vectors.csv")
        subprocess.run([cli, "tfm", a, b, "-o", os.path.join(d, "out.h5"), "--young", "1000", "--poisson", "0.45",
                        "--voxel", "0.4,0.4,0.4", "--vectors", csv, "--quiet"], check=True)
        v = np.genfromtxt(csv, delimiter=",", names=True)
    ok = True
    for comp, axis in (("ux_um", 2), ("uy_um", 1), ("uz_um", 0)):
        err = v[comp] / 0.4 - shift[axis]
        rms = np.sqrt(np.mean(err**2))
        print(f"DVC vs scipy.ndimage.shift, {comp[:2]}: true {shift[axis]:+.3f} voxel, "
              f"mean {np.mean(v[comp]) / 0.4:+.3f}, RMS error {rms:.4f} voxel over {len(err)} nodes")
        ok &= rms < 0.05
    return ok


def main():
    cli = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../build/app/refractome-cli")
    ok = check_direct_method()
    ok &= check_dvc(cli)
    print("all checks passed" if ok else "CHECK FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
