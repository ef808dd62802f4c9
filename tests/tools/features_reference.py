#!/usr/bin/env python3
"""Independent reference for the 65 single-cell features (core/profiling, docs/features.md).

Recomputes every feature with numpy / scipy from a file written by `refractome-cli segment`
(RI, the six fluorescence channels, cell_labels, nucleus_labels, <organelle>_mask) and compares
with the feature CSV `refractome-cli profile` wrote from that same file (frame 0). Prints JSON:
{"rows": N, "features": 65, "worst": {feature: relative error}, "max_rel_error": e}.

Usage: features_reference.py SEGMENTED.h5 FEATURES.csv
"""
import csv
import json
import sys

import h5py
import numpy as np
from scipy import ndimage

ALPHA = 0.190
LEVELS, RANGE = 32, 0.08


def channel(f, name):
    return f["channels/" + name + "/000000"][()]


def spacing(f):
    return [float(v) for v in f["channels/ri"].attrs["spacing_um"]]


def stats(v, vv, nm):
    if v.size == 0:
        return dict(mean=0, sd=0, median=0, p10=0, p25=0, p75=0, p90=0, max=0, skew=0, kurt=0, mass=0, vol=0)
    m = v.mean()
    d = v - m
    m2, m3, m4 = (d ** 2).mean(), (d ** 3).mean(), (d ** 4).mean()
    p = np.percentile(v, [50, 10, 25, 75, 90])
    return dict(mean=m, sd=np.sqrt(m2), median=p[0], p10=p[1], p25=p[2], p75=p[3], p90=p[4], max=v.max(),
                skew=m3 / m2 ** 1.5 if m2 > 0 else 0, kurt=m4 / m2 ** 2 - 3 if m2 > 0 else 0,
                mass=(v - nm).sum() / ALPHA * vv, vol=v.size * vv)


def faces(mask, sp):
    """Boundary face area of a mask (faces to outside voxels or the field edge)."""
    sz, sy, sx = sp
    area = {0: sx * sy, 1: sx * sz, 2: sy * sz}
    pad = np.pad(mask, 1)
    total = 0.0
    for ax in range(3):
        for shift in (1, -1):
            nb = np.roll(pad, shift, axis=ax)[1:-1, 1:-1, 1:-1]
            total += area[ax] * np.count_nonzero(mask & ~nb)
    return total


def axes(pts):
    c = np.cov(pts.T, bias=True)
    ev = np.sort(np.linalg.eigvalsh(c))[::-1]
    return 2 * np.sqrt(5 * np.clip(ev, 0, None)), pts.mean(0)


def sph(v, a):
    return np.cbrt(np.pi) * (6 * v) ** (2 / 3) / a if a > 0 else 0


def ratio(a, b):
    return a / b if b > 0 else 0


def main():
    h5, table = sys.argv[1], sys.argv[2]
    f = h5py.File(h5, "r")
    nm = float(f.attrs.get("medium_ri", 1.337))
    sp = spacing(f)
    sz, sy, sx = sp
    vv = sz * sy * sx
    ri = channel(f, "ri").astype(np.float64)
    cells = channel(f, "cell_labels")
    nuclei = channel(f, "nucleus_labels")
    fl = {k: channel(f, k).astype(np.float64) for k in
          ["actin", "membrane", "mitochondria", "lipid_droplets", "nucleus", "nucleoli"]}
    comp = {}
    for k in ["nucleoli", "lipid_droplets", "mitochondria"]:
        comp[k] = ndimage.label(channel(f, k + "_mask") > 0)[0]
    Z, Y, X = ri.shape
    zz, yy, xx = np.meshgrid(np.arange(Z) * sz, np.arange(Y) * sy, np.arange(X) * sx, indexing="ij")
    # Gradient by central differences, defined on interior voxels only.
    grad = np.zeros_like(ri)
    gz = (ri[2:, 1:-1, 1:-1] - ri[:-2, 1:-1, 1:-1]) / (2 * sz)
    gy = (ri[1:-1, 2:, 1:-1] - ri[1:-1, :-2, 1:-1]) / (2 * sy)
    gx = (ri[1:-1, 1:-1, 2:] - ri[1:-1, 1:-1, :-2]) / (2 * sx)
    grad[1:-1, 1:-1, 1:-1] = np.sqrt(gx ** 2 + gy ** 2 + gz ** 2)
    lev = np.clip(((ri - nm) / RANGE * LEVELS).astype(np.int64), 0, LEVELS - 1)
    lev[(ri - nm) / RANGE * LEVELS < 0] = 0

    rows = list(csv.DictReader(open(table)))
    worst = {}
    for row in rows:
        if int(row["frame"]) != 0:
            continue
        cid = int(row["cell_id"])
        cm = cells == cid
        nmask = nuclei == cid
        cyto = cm & ~nmask
        c, n, y = stats(ri[cm], vv, nm), stats(ri[nmask], vv, nm), stats(ri[cyto], vv, nm)
        nol_m = nmask & (comp["nucleoli"] > 0)
        ld_m = cyto & (comp["lipid_droplets"] > 0)
        mi_m = cyto & (comp["mitochondria"] > 0)
        nol, ld, mi = stats(ri[nol_m], vv, nm), stats(ri[ld_m], vv, nm), stats(ri[mi_m], vv, nm)
        pc = np.stack([xx[cm], yy[cm], zz[cm]], 1)
        pn = np.stack([xx[nmask], yy[nmask], zz[nmask]], 1)
        ca, cc = axes(pc)
        na, nc = axes(pn)
        carea, narea = faces(cm, sp) / 1.5, faces(nmask, sp) / 1.5
        foot = np.count_nonzero(cm.any(0)) * sx * sy
        zs = np.nonzero(cm.any((1, 2)))[0]
        height = (zs.max() - zs.min() + 1) * sz
        nol_n = len(np.unique(comp["nucleoli"][nol_m]))
        ld_n = len(np.unique(comp["lipid_droplets"][ld_m]))
        mi_n = len(np.unique(comp["mitochondria"][mi_m]))
        mdist = np.sqrt((xx[mi_m] - nc[0]) ** 2 + (yy[mi_m] - nc[1]) ** 2 + (zz[mi_m] - nc[2]) ** 2).mean() if mi_n else 0
        glcm = np.zeros((LEVELS, LEVELS))
        for ax in range(3):
            a = [slice(None)] * 3
            b = [slice(None)] * 3
            a[ax] = slice(0, -1)
            b[ax] = slice(1, None)
            both = cm[tuple(a)] & cm[tuple(b)]
            la, lb = lev[tuple(a)][both], lev[tuple(b)][both]
            np.add.at(glcm, (la, lb), 1)
            np.add.at(glcm, (lb, la), 1)
        p = glcm / glcm.sum()
        i, j = np.indices(p.shape)
        mu = (i * p).sum()
        var = (p * (i - mu) ** 2).sum()
        ref = {
            "cell_volume": c["vol"], "cell_surface_area": carea, "cell_sphericity": sph(c["vol"], carea),
            "cell_footprint_area": foot, "cell_height": height, "cell_major_axis": ca[0], "cell_minor_axis": ca[2],
            "cell_elongation": ratio(ca[0], ca[1]), "cell_flatness": ratio(ca[2], ca[1]),
            "cell_ri_mean": c["mean"], "cell_ri_std": c["sd"], "cell_ri_median": c["median"], "cell_ri_p10": c["p10"],
            "cell_ri_p90": c["p90"], "cell_ri_iqr": c["p75"] - c["p25"], "cell_ri_max": c["max"],
            "cell_ri_skewness": c["skew"], "cell_ri_kurtosis": c["kurt"], "cell_dry_mass": c["mass"],
            "cell_mass_density": ratio(c["mass"], c["vol"]), "cell_areal_mass_density": ratio(c["mass"], foot),
            "nucleus_volume": n["vol"], "nucleus_surface_area": narea, "nucleus_sphericity": sph(n["vol"], narea),
            "nucleus_elongation": ratio(na[0], na[1]), "nucleus_ri_mean": n["mean"], "nucleus_ri_std": n["sd"],
            "nucleus_dry_mass": n["mass"], "nucleus_mass_density": ratio(n["mass"], n["vol"]),
            "nucleus_to_cell_volume_ratio": ratio(n["vol"], c["vol"]), "nucleus_offset": np.linalg.norm(nc - cc),
            "cytoplasm_volume": y["vol"], "cytoplasm_ri_mean": y["mean"], "cytoplasm_ri_std": y["sd"],
            "cytoplasm_dry_mass": y["mass"], "cytoplasm_mass_density": ratio(y["mass"], y["vol"]),
            "nucleus_to_cytoplasm_density_ratio": ratio(ratio(n["mass"], n["vol"]), ratio(y["mass"], y["vol"])),
            "nucleoli_count": nol_n, "nucleoli_volume": nol["vol"], "nucleoli_mean_volume": ratio(nol["vol"], nol_n),
            "nucleoli_ri_mean": nol["mean"], "nucleoli_dry_mass": nol["mass"],
            "nucleoli_volume_fraction": ratio(nol["vol"], n["vol"]),
            "lipid_droplet_count": ld_n, "lipid_droplet_volume": ld["vol"],
            "lipid_droplet_mean_volume": ratio(ld["vol"], ld_n), "lipid_droplet_ri_mean": ld["mean"],
            "lipid_droplet_mass_ri_equivalent": ld["mass"], "lipid_droplet_volume_fraction": ratio(ld["vol"], y["vol"]),
            "mitochondria_volume": mi["vol"], "mitochondria_volume_fraction": ratio(mi["vol"], y["vol"]),
            "mitochondria_count": mi_n, "mitochondria_ri_mean": mi["mean"], "mitochondria_distance_to_nucleus": mdist,
            "actin_intensity": fl["actin"][cm].mean(), "membrane_intensity": fl["membrane"][cm].mean(),
            "mitochondria_intensity": fl["mitochondria"][cyto].mean(),
            "lipid_droplets_intensity": fl["lipid_droplets"][cyto].mean(),
            "nucleus_intensity": fl["nucleus"][nmask].mean(), "nucleoli_intensity": fl["nucleoli"][nmask].mean(),
            "ri_gradient_mean": grad[cm].mean(),
            "ri_glcm_contrast": (p * (i - j) ** 2).sum(), "ri_glcm_homogeneity": (p / (1 + (i - j) ** 2)).sum(),
            "ri_glcm_energy": (p ** 2).sum(),
            "ri_glcm_correlation": (p * (i - mu) * (j - mu)).sum() / var if var > 0 else 1.0,
        }
        for k, v in ref.items():
            got = float(row[k])
            err = abs(got - v) / max(abs(v), 1e-9)
            worst[k] = max(worst.get(k, 0.0), err)
    missing = [k for k in rows[0].keys() if k not in worst and k not in (
        "source_file", "frame", "time_s", "cell_id", "track_id", "parent_id", "condition",
        "centroid_x_um", "centroid_y_um", "centroid_z_um", "touches_border")]
    print(json.dumps({"rows": len(rows), "features": len(worst), "unchecked": missing,
                      "max_rel_error": max(worst.values()), "worst": worst}))


main()
