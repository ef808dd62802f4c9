#!/usr/bin/python3
"""Learned 3D cellular force microscopy: training and evaluation of models/force-synthetic.

The network maps a relaxed/stressed bead pair to the displacement field (µm, on the input grid);
refractome-cli then applies the material's constitutive relation (core's analyseElasticity: strain,
stress, force density, nodal forces) on the same node grid as the classical method. Architecture:
  fixed, differentiable layers: per-volume normalisation is done by the engine; the pair is averaged
    to 1/2 and 1/4 resolution; a coarse-to-fine Lucas-Kanade correlation layer (inverse-compositional:
    the relaxed image's gradient and its windowed structure tensor once per level; per update the
    stressed volume is warped by the current field with trilinear sampling, the residual projected on
    the gradient and pooled over Gaussian windows on the 1/4-resolution grid, a regularised 3x3 solve)
    gives 2 updates at 1/4 and 2 at 1/2 resolution;
  learned: the window widths and the regulariser of the correlation layer, and a small CNN on the
    1/4-resolution grid (field, last update, texture, residual energy, brightness -> correction);
  then one more correlation update, which warps the full-resolution stressed volume and pools it
    (linear interpolation of the pooled image biases the solution) and gives the data the last word
    over the CNN (a CNN placed last shrank the field towards its training prior);
  the field is upsampled (trilinear) to the input grid and converted to µm.

Subcommands (run with Debian's /usr/bin/python3, which has torch, numpy, scipy, h5py):
  data     --cli BIN --out DIR           training/validation fields (refractome-cli synth beads)
  train    --data DIR --out DIR          train, write model.pt + model.json (sha256) + history
  evaluate --cli BIN --model DIR --work DIR   classical vs learned through refractome-cli, per axis
"""
import argparse
import hashlib
import json
import math
import os
import random
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

VOXEL_UM = 0.4
TRAIN_SEEDS = range(1000, 1024)
VAL_SEEDS = range(2000, 2004)


# ---------------------------------------------------------------- network
class ForceNet(nn.Module):
    def __init__(self, voxel_um: float = VOXEL_UM, width: int = 16, iter4: int = 2, iter2: int = 3):
        super().__init__()
        self.voxel_um = voxel_um
        self.iter4 = iter4
        self.iter2 = iter2
        # Gaussian window sigma (in 1/4-resolution cells) for the two levels and for the last update (after
        # the CNN), and the Tikhonov weight.
        self.log_sigma = nn.Parameter(torch.tensor([math.log(1.5), math.log(1.5), math.log(1.5)]))
        self.log_eps = nn.Parameter(torch.tensor(math.log(0.01)))
        # 16 input features: LibTorch's CPU convolution takes its fast (oneDNN) path only above a minimum
        # input size, which 8 channels on a 32x64x64 grid miss (measured: 7x slower).
        self.refine = nn.Sequential(
            nn.Conv3d(16, width, 3, padding=1, padding_mode="replicate"), nn.LeakyReLU(0.1),
            nn.Conv3d(width, width, 3, padding=1, padding_mode="replicate"), nn.LeakyReLU(0.1),
            nn.Conv3d(width, 3, 3, padding=1, padding_mode="replicate"))
        nn.init.zeros_(self.refine[4].weight)  # starts as the plain correlation layer
        nn.init.zeros_(self.refine[4].bias)

    @staticmethod
    def grad(x: torch.Tensor) -> torch.Tensor:
        """Central differences (x, y, z order), zero at the faces."""
        gx = F.pad((x[..., 2:] - x[..., :-2]) * 0.5, (1, 1))
        gy = F.pad((x[..., 2:, :] - x[..., :-2, :]) * 0.5, (0, 0, 1, 1))
        gz = F.pad((x[..., 2:, :, :] - x[..., :-2, :, :]) * 0.5, (0, 0, 0, 0, 1, 1))
        return torch.cat([gx, gy, gz], 1)

    @staticmethod
    def blur(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        """Separable Gaussian (radius 4 cells), edge replication."""
        r = 4
        t = torch.arange(-r, r + 1, dtype=x.dtype, device=x.device)
        k = torch.exp(-0.5 * (t / sigma) ** 2)
        k = k / k.sum()
        c = x.shape[1]
        x = F.conv3d(F.pad(x, (0, 0, 0, 0, r, r), mode="replicate"), k.view(1, 1, -1, 1, 1).repeat(c, 1, 1, 1, 1), groups=c)
        x = F.conv3d(F.pad(x, (0, 0, r, r, 0, 0), mode="replicate"), k.view(1, 1, 1, -1, 1).repeat(c, 1, 1, 1, 1), groups=c)
        x = F.conv3d(F.pad(x, (r, r, 0, 0, 0, 0), mode="replicate"), k.view(1, 1, 1, 1, -1).repeat(c, 1, 1, 1, 1), groups=c)
        return x

    @staticmethod
    def warp(b: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
        """b(x + u(x)), u in voxels (x, y, z components), trilinear, edge values beyond the volume."""
        z, y, x = b.shape[2], b.shape[3], b.shape[4]
        zz = torch.arange(z, dtype=b.dtype, device=b.device).view(1, z, 1, 1)
        yy = torch.arange(y, dtype=b.dtype, device=b.device).view(1, 1, y, 1)
        xx = torch.arange(x, dtype=b.dtype, device=b.device).view(1, 1, 1, x)
        gx = (xx + u[:, 0]) * (2.0 / max(x - 1, 1)) - 1.0
        gy = (yy + u[:, 1]) * (2.0 / max(y - 1, 1)) - 1.0
        gz = (zz + u[:, 2]) * (2.0 / max(z - 1, 1)) - 1.0
        return F.grid_sample(b, torch.stack([gx, gy, gz], -1), mode="bilinear", padding_mode="border", align_corners=True)

    def tensor(self, g: torch.Tensor, s: int, sigma: torch.Tensor):
        """Windowed structure tensor of the relaxed image's gradient g on the 1/4 grid, regularised: its
        6 components (xx, yy, zz, xy, xz, yz) and the mean of its diagonal."""
        gg = (g.unsqueeze(1) * g.unsqueeze(2)).flatten(1, 2)[:, [0, 4, 8, 1, 2, 5]]
        if s > 1:
            gg = F.avg_pool3d(gg, s)
        m = self.blur(gg, sigma)
        tr = (m[:, 0:1] + m[:, 1:2] + m[:, 2:3]) / 3.0
        reg = torch.exp(self.log_eps) * tr + 1e-8
        return torch.cat([m[:, 0:3] + reg, m[:, 3:6]], 1), tr

    def lk(self, a: torch.Tensor, g: torch.Tensor, m: torch.Tensor, b: torch.Tensor, uc: torch.Tensor, s: int,
           sigma: torch.Tensor, f: int):
        """One Lucas-Kanade update on the 1/4 grid (inverse-compositional form: the relaxed image's gradient
        and structure tensor m are computed once per level); a at a resolution s times finer than uc (voxels
        there), b (the stressed image) f times finer than a. Returns the update and the windowed squared
        residual."""
        u = F.interpolate(uc, scale_factor=float(s * f), mode="trilinear", align_corners=False) if s * f > 1 else uc
        # Warping b finer than the level and pooling it: linear interpolation blurs the beads asymmetrically
        # and pulls the solution towards whole cells of the grid it samples (at the 1/2 level, warped
        # there, small displacements came out 1.33x too large); at full resolution that pull is a
        # fraction of a voxel (slope 0.99 with the last update warped there).
        wb = self.warp(b, u * float(f))
        if f > 1:
            wb = F.avg_pool3d(wb, f)
        r = a - wb
        gr = torch.cat([g * r, r * r], 1)
        if s > 1:
            gr = F.avg_pool3d(gr, s)
        v = self.blur(gr, sigma)
        m00, m11, m22, m01, m02, m12 = m[:, 0], m[:, 1], m[:, 2], m[:, 3], m[:, 4], m[:, 5]
        v0, v1, v2 = v[:, 0], v[:, 1], v[:, 2]
        c00 = m11 * m22 - m12 * m12
        c01 = m02 * m12 - m01 * m22
        c02 = m01 * m12 - m02 * m11
        c11 = m00 * m22 - m02 * m02
        c12 = m01 * m02 - m00 * m12
        c22 = m00 * m11 - m01 * m01
        det = m00 * c00 + m01 * c01 + m02 * c02
        d = torch.stack([c00 * v0 + c01 * v1 + c02 * v2, c01 * v0 + c11 * v1 + c12 * v2,
                         c02 * v0 + c12 * v1 + c22 * v2], 1) / det.unsqueeze(1)
        return d, v[:, 3:4]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Pad to multiples of 4 (edge replication), crop at the end.
        z, y, w = x.shape[2], x.shape[3], x.shape[4]
        pz, py, px = (4 - z % 4) % 4, (4 - y % 4) % 4, (4 - w % 4) % 4
        if pz + py + px > 0:
            x = F.pad(x, (0, px, 0, py, 0, pz), mode="replicate")
        x2 = F.avg_pool3d(x, 2)
        x4 = F.avg_pool3d(x2, 2)
        a2, b2 = x2[:, 0:1], x2[:, 1:2]
        a4, b4 = x4[:, 0:1], x4[:, 1:2]
        sig = torch.exp(self.log_sigma)
        uc = torch.zeros(x.shape[0], 3, x4.shape[2], x4.shape[3], x4.shape[4], dtype=x.dtype, device=x.device)
        g4 = self.grad(a4)
        m4, tr4 = self.tensor(g4, 1, sig[0])
        for _ in range(self.iter4):
            d, rr = self.lk(a4, g4, m4, b4, uc * 0.25, 1, sig[0], 1)
            uc = uc + 4.0 * d
        g2 = self.grad(a2)
        m2, tr = self.tensor(g2, 2, sig[1])
        d = torch.zeros_like(uc)
        rr = torch.zeros_like(tr)
        for it in range(self.iter2 - 1):
            d, rr = self.lk(a2, g2, m2, b2, uc * 0.5, 2, sig[1], 1)
            d = 2.0 * d
            uc = uc + d
        # Features of the learned correction: field, last update, texture (structure tensor, normalised,
        # and its trace), residual energy, local brightness of both images.
        feats = torch.cat([uc, d * 10.0, m2 / (3.0 * tr), torch.log(tr + 1e-6), torch.log(rr + 1e-6), x4], 1)
        uc = uc + self.refine(feats)
        # The last update comes after the CNN and warps the full-resolution stressed image (see lk; the
        # earlier ones the level's own, 8x cheaper): the data term has the final word, so a correction
        # that shrinks the field towards the training prior is pulled back to what the beads show.
        m3, _ = self.tensor(g2, 2, sig[2])
        d, rr = self.lk(a2, g2, m3, x[:, 1:2], uc * 0.5, 2, sig[2], 2)
        uc = uc + 2.0 * d
        u = F.interpolate(uc, scale_factor=4.0, mode="trilinear", align_corners=False)
        return u[:, :, :z, :y, :w] * self.voxel_um


# ---------------------------------------------------------------- data
def normalise(v):
    """As the engine does it (manifest input.normalisation): (v - p50) / (p99.9 - p50) per volume."""
    lo, hi = np.percentile(v, [50, 99.9])
    return ((v - lo) / max(hi - lo, 1e-12)).astype(np.float32)


def read_field(path):
    import h5py
    from scipy import ndimage
    with h5py.File(path, "r") as f:
        g = lambda k: f["channels/" + k + "/000000"][:]
        a, b, u, m = g("relaxed"), g("stressed"), g("displacement_true"), g("cell_mask")
        t = f["tables/true_forces"]
        forces = np.stack([t[k][:] for k in ("x_um", "y_um", "z_um")], 1)
    dist_cell = ndimage.distance_transform_edt(m == 0) * VOXEL_UM
    zz, yy, xx = np.meshgrid(*[np.arange(n) * VOXEL_UM for n in a.shape], indexing="ij")
    dist_force = np.full(a.shape, 1e9)
    for p in forces:
        dist_force = np.minimum(dist_force, np.sqrt((xx - p[0]) ** 2 + (yy - p[1]) ** 2 + (zz - p[2]) ** 2))
    # Loss weight: gel more than 4 µm from the cell and from every force, where docs/tfm.md judges the
    # methods (no beads inside the cell, a singular field at the forces). A first run that also weighted
    # 2-4 µm from the cell chose narrower windows: ~2x noisier far field at 3 % image noise.
    weight = ((dist_cell > 4.0) & (dist_force > 4.0)).astype(np.float32)
    uv = np.moveaxis(u, -1, 0) / VOXEL_UM  # voxels, (x, y, z)
    return np.stack([normalise(a), normalise(b)]), uv.astype(np.float32), weight


def cmd_data(args):
    os.makedirs(args.out, exist_ok=True)
    r = random.Random(0)
    jobs = []
    for s in TRAIN_SEEDS:
        jobs.append((s, r.choice([2, 2, 4, 8, 8, 12]), int(r.uniform(3000, 30000)), round(r.uniform(0.015, 0.04), 3),
                     r.choice([0.005, 0.01, 0.01, 0.02, 0.03]), r.choice([500, 1000, 1000, 2000, 3000]),
                     r.choice([0.3, 0.4, 0.45, 0.49])))
    for s in VAL_SEEDS:
        jobs.append((s, 8, 8000, 0.02, 0.01, 1000, 0.45))
    for s, nf, mag, den, noise, young, nu in jobs:
        out = os.path.join(args.out, "f%d.h5" % s)
        if os.path.exists(out):
            continue
        subprocess.run([args.cli, "synth", "beads", "--size", "64,96,96", "--seed", str(s), "--forces", str(nf),
                        "--magnitude", str(mag), "--density", str(den), "--noise", str(noise), "--young", str(young),
                        "--poisson", str(nu), "--quiet", "-o", out], check=True, stdout=subprocess.DEVNULL)
        for suffix in ("_relaxed.tif", "_stressed.tif"):
            os.remove(os.path.join(args.out, "f%d%s" % (s, suffix)))


def augment(x, u, w, rng):
    """Flips negate the flipped axis's component; an x/y transpose swaps the x and y components."""
    for axis, comp in ((3, 0), (2, 1), (1, 2)):  # array axes of [C, Z, Y, X]: x=3, y=2, z=1
        if rng.random() < 0.5:
            x, u, w = np.flip(x, axis), np.flip(u, axis).copy(), np.flip(w, axis - 1)
            u[comp] *= -1
    if rng.random() < 0.5:
        x, u, w = np.swapaxes(x, 2, 3), np.swapaxes(u, 2, 3)[[1, 0, 2]], np.swapaxes(w, 1, 2)
    return np.ascontiguousarray(x), np.ascontiguousarray(u), np.ascontiguousarray(w)


def crops(fields, crop, batch, rng):
    xs, us, ws = [], [], []
    for _ in range(batch):
        x, u, w = fields[rng.randrange(len(fields))]
        o = [rng.randrange(0, x.shape[1 + a] - crop[a] + 1) for a in range(3)]
        sl = tuple(slice(o[a], o[a] + crop[a]) for a in range(3))
        xa, ua, wa = augment(x[(slice(None),) + sl], u[(slice(None),) + sl], w[sl], rng)
        xs.append(xa)
        us.append(ua)
        ws.append(wa)
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(us)), torch.from_numpy(np.stack(ws))[:, None]


def masked_loss(pred_um, u_vox, w):
    e = pred_um / VOXEL_UM - u_vox
    return (F.smooth_l1_loss(e, torch.zeros_like(e), reduction="none", beta=0.2) * w).sum() / (3 * w.sum() + 1e-6)


def rmse_vox(net, fields):
    se, n = np.zeros(3), 0.0
    with torch.no_grad():
        for x, u, w in fields:
            p = net(torch.from_numpy(x)[None])[0].numpy() / VOXEL_UM
            m = w > 0
            se += [((p[c] - u[c])[m] ** 2).sum() for c in range(3)]
            n += m.sum()
    return np.sqrt(se / n)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def cmd_train(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = random.Random(0)
    train = [read_field(os.path.join(args.data, "f%d.h5" % s)) for s in TRAIN_SEEDS
             if os.path.exists(os.path.join(args.data, "f%d.h5" % s))]
    val = [read_field(os.path.join(args.data, "f%d.h5" % s)) for s in VAL_SEEDS]
    print("fields: %d training, %d validation" % (len(train), len(val)), flush=True)
    net = ForceNet()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.steps)
    history = []
    val0 = rmse_vox(net, val)
    print("validation RMSE before training (plain correlation layer): x %.4f y %.4f z %.4f voxel" % tuple(val0), flush=True)
    best, t0 = None, time.time()
    for step in range(1, args.steps + 1):
        x, u, w = crops(train, args.crop, args.batch, rng)
        loss = masked_loss(net(x), u, w)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % args.eval_every == 0 or step == args.steps:
            v = rmse_vox(net, val)
            history.append({"step": step, "loss": float(loss), "val_rmse_vox": [float(c) for c in v],
                            "sigma": torch.exp(net.log_sigma).tolist(), "eps": float(torch.exp(net.log_eps)),
                            "time_s": round(time.time() - t0, 1)})
            print(json.dumps(history[-1]), flush=True)
            if best is None or v.mean() < best[0]:
                best = (v.mean(), step, {k: t.clone() for k, t in net.state_dict().items()}, v)
    net.load_state_dict(best[2])
    os.makedirs(args.out, exist_ok=True)
    scripted = torch.jit.script(net.eval())
    pt = os.path.join(args.out, "model.pt")
    scripted.save(pt)
    manifest = {
        "name": "force-synthetic",
        "task": "force",
        "files": [{"path": "model.pt", "outputs": ["ux", "uy", "uz"]}],
        "input": {"channels": ["relaxed", "stressed"], "voxel_size_um": [VOXEL_UM] * 3,
                  "normalisation": {"method": "percentile", "percentiles": [50, 99.9]},
                  "patch": [128, 256, 256], "layout": "[B,2,D,H,W] float32 (relaxed, stressed)"},
        "sha256": {"model.pt": sha256(pt)},
        "output_range": None,
        "output_unit": "um",
        "description": "Learned 3D cellular force microscopy on Refractome's synthetic bead pairs (synth beads): "
                       "relaxed/stressed pair -> displacement (ux, uy, uz in µm, Lagrangian, at the relaxed voxel "
                       "positions). A fixed, differentiable coarse-to-fine Lucas-Kanade correlation layer with learned "
                       "window widths and regulariser, then a learned CNN correction on the 1/4-resolution grid, then a last "
                       "correlation update warping the full-resolution stressed volume, upsampled trilinearly. Stress and forces are computed by refractome-cli's physics layers "
                       "(core analyseElasticity) from E and nu given at run time. Fully convolutional; demonstration on "
                       "synthetic data, not validated on real gels.",
        "training": {"data": "refractome-cli synth beads, 64x96x96 at 0.4 µm, seeds %d..%d (2-12 forces, 3-30 nN, "
                             "0.015-0.04 beads/µm³, noise 0.5-3 %%, E 0.5-3 kPa, nu 0.3-0.49); validation seeds %d..%d "
                             "(defaults)" % (TRAIN_SEEDS[0], TRAIN_SEEDS[-1], VAL_SEEDS[0], VAL_SEEDS[-1]),
                     "steps": args.steps, "batch": args.batch, "crop": args.crop, "best_step": best[1],
                     "loss": "smooth L1 (beta 0.2 voxel) on the displacement, gel > 4 µm from the cell and from every force",
                     "optimizer": "Adam lr %g, cosine schedule" % args.lr,
                     "augmentation": "flips (component negated), x/y transpose (components swapped), random crops",
                     "threads": args.threads, "train_time_s": round(time.time() - t0, 1),
                     "val_rmse_vox_before": [round(float(c), 4) for c in val0],
                     "val_rmse_vox": [round(float(c), 4) for c in best[3]],
                     "torch_version": torch.__version__},
        "parameters": sum(p.numel() for p in net.parameters()),
    }
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(args.out, "history.json"), "w") as f:
        json.dump(history, f, indent=1)
    print("best step %d, validation RMSE x %.4f y %.4f z %.4f voxel" % ((best[1],) + tuple(best[3])))


# ---------------------------------------------------------------- evaluation through the CLI
def node_errors(truth_h5, result_h5):
    """Per-axis displacement RMSE (voxels) at the result's nodes, judged like docs/tfm.md: nodes more than
    4 µm from the cell surface and from every force."""
    import h5py
    from scipy import ndimage
    from scipy.ndimage import map_coordinates
    with h5py.File(truth_h5, "r") as f:
        ut = f["channels/displacement_true/000000"][:]
        m = f["channels/cell_mask/000000"][:]
        sp = f["channels/relaxed"].attrs["spacing_um"]
        t = f["tables/true_forces"]
        forces = np.stack([t[k][:] for k in ("x_um", "y_um", "z_um")], 1)
    with h5py.File(result_h5, "r") as f:
        d = f["channels/displacement/000000"][:]
        org = f["channels/displacement"].attrs["origin_um"]
        step = f["channels/displacement"].attrs["spacing_um"]
    idx = np.array(np.meshgrid(*[org[a] / sp[a] + np.arange(d.shape[a]) * step[a] / sp[a] for a in range(3)],
                               indexing="ij")).reshape(3, -1)
    pos = idx * sp[:, None]
    dc = map_coordinates(ndimage.distance_transform_edt(m == 0, sampling=sp), idx, order=1)
    df = np.min([np.sqrt((pos[2] - p[0]) ** 2 + (pos[1] - p[1]) ** 2 + (pos[0] - p[2]) ** 2) for p in forces], axis=0)
    ok = (dc > 4) & (df > 4)
    dv = d.reshape(-1, 3)
    out = []
    for c in range(3):
        tv = map_coordinates(ut[..., c], idx, order=1)
        out.append(float(np.sqrt(np.mean(((dv[:, c] - tv) / sp[2 - c])[ok] ** 2))))
    return out, int(ok.sum()), float(np.abs(ut).max() / sp[0])


def cmd_evaluate(args):
    os.makedirs(args.work, exist_ok=True)
    rows = []
    for size in ("64,96,96", "96,192,192"):
        for noise in ("0.01", "0.03"):
            for seed in (1, 2, 3):
                base = os.path.join(args.work, "s%s_n%s_%d" % (size.replace(",", "x"), noise, seed))
                if not os.path.exists(base + ".h5"):
                    subprocess.run([args.cli, "synth", "beads", "--size", size, "--seed", str(seed), "--noise", noise,
                                    "--quiet", "-o", base + ".h5"], check=True, stdout=subprocess.DEVNULL)
                row = {"size": size, "noise": noise, "seed": seed}
                for method in ("dvc", "dl"):
                    out = base + "_" + method + ".h5"
                    cmd = [args.cli, "tfm", base + "_relaxed.tif", base + "_stressed.tif", "-o", out, "--young", "1000",
                           "--poisson", "0.45", "--method", method, "--quiet"]
                    if method == "dl":
                        cmd += ["--model", args.model]
                    t = time.time()
                    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
                    row[method + "_s"] = round(time.time() - t, 2)
                    row[method], row["nodes"], row["max_u_vox"] = node_errors(base + ".h5", out)
                print(json.dumps(row), flush=True)
                rows.append(row)
    with open(os.path.join(args.work, "evaluation.json"), "w") as f:
        json.dump(rows, f, indent=1)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("data")
    d.add_argument("--cli", required=True)
    d.add_argument("--out", required=True)
    t = sub.add_parser("train")
    t.add_argument("--data", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--steps", type=int, default=2500)
    t.add_argument("--batch", type=int, default=2)
    t.add_argument("--crop", type=int, nargs=3, default=[32, 64, 64])
    t.add_argument("--lr", type=float, default=2e-3)
    t.add_argument("--eval-every", type=int, default=250)
    t.add_argument("--threads", type=int, default=1)
    e = sub.add_parser("evaluate")
    e.add_argument("--cli", required=True)
    e.add_argument("--model", required=True)
    e.add_argument("--work", required=True)
    a = p.parse_args()
    {"data": cmd_data, "train": cmd_train, "evaluate": cmd_evaluate}[a.cmd](a)


if __name__ == "__main__":
    main()
