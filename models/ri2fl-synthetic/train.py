#!/usr/bin/python3
"""Train, export and evaluate the bundled RI2FL model ``ri2fl-synthetic``.

RI2FL (Jo et al., Nature Cell Biology 2021): a 3D U-Net-like encoder-decoder predicts six
fluorescence channels [actin, mitochondria, lipid_droplets, membrane, nucleus, nucleoli] from a
refractive-index (RI) tomogram. This model is trained on the synthetic cell fields of
``refractome-cli synth cells`` (0.2 x 0.15 x 0.15 um voxels, z y x) on the CPU.

Subcommands (run with Debian's /usr/bin/python3, which has torch 1.13, numpy, h5py):

  gen       generate training / validation fields with the CLI into --data (default /tmp/ri2fl-data)
  bench     time one forward pass of a [1,1,32,128,128] patch (2 threads)
  train     train on the generated fields, keep the best checkpoint (by validation loss)
  export    torch.jit.script the checkpoint -> model.pt, check Monte Carlo dropout survives, write
            model.json (with the sha256 of model.pt)
  cli-evaluate  the acceptance check with the C++ engine: `refractome-cli predict` (default options)
            and `refractome-cli evaluate` on held-out fields (seeds 1..--eval-fields, --eval-depth
            slices; default the 8 32-slice fields); medians -> --cli-eval-json
  evaluate  held-out check on `synth cells --size 32,256,256 --cells 5 --seed K`, K = 1..8:
            per-channel Pearson correlation and PSNR, median over the 8 fields
  all       gen + train + export + evaluate

Network input: RI clipped to [1.337, 1.390] and scaled to [0, 1] (medium -> 0). Output: six channels
through a final sigmoid, i.e. already in [0, 1] (no clamp needed at inference).
Loss: MSE + 3D gradient-difference loss, the squared variant
    GDL = mean over z, y, x of mean((|d y| - |d y_hat|)^2), d = forward finite difference,
(same scale as the MSE, so the two terms are added with weight 1 each).

Seeds: training fields use seeds 1000..1999, validation 3000+; seeds 1..100 (and 200..400, used for
ad-hoc checks) are reserved for held-out evaluation and never used for training or model selection.

Field depth (stage 4): the engine tiles deeper volumes with 32-slice patches, 50 % overlap in z, so
patches cut cells in z. --n-deep / --n-val-deep add training fields (seeds 1100..) and validation
fields (seeds 3100..) whose depth cycles through --deep-depths; --deep-share of the training crops
come from them. The defaults are the shipped stage-4 setup; --n-deep 0 --n-val-deep 0 gives the
32-slice-only data of stages 1-3.
"""
import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import time
from typing import List, Optional

# libgomp threads busy-wait at barriers by default; on a shared 2-core machine (compilers running
# beside us) that makes 2 threads several times slower than 1. Must be set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = ["actin", "mitochondria", "lipid_droplets", "membrane", "nucleus", "nucleoli"]
CLIP = (1.337, 1.390)
VOXEL_UM = [0.2, 0.15, 0.15]
PATCH = [32, 128, 128]
DEFAULT_CLI = "/work/cicheck/build/app/refractome-cli"


# --------------------------------------------------------------------------------------------
# Network
# --------------------------------------------------------------------------------------------
def fast_conv3d(x: torch.Tensor, w: torch.Tensor, b: Optional[torch.Tensor], padding: List[int]) -> torch.Tensor:
    """Stride-1 3D convolution that PyTorch runs through oneDNN (MKL-DNN) on the CPU.

    PyTorch's CPU convolution picks the oneDNN kernel only when groups > 1, the batch is > 1, the
    kernel is > 3 in x and y, or B*C*D*H > 20480; otherwise it takes the im2col + BLAS path, which is
    about 10x slower (Debian's torch uses the reference BLAS) for the small deep layers of a U-Net at
    batch 1. There, this computes the identical convolution as a 2-group convolution of [x, x]:
    group g sees a copy of x and produces half of the output channels with the unchanged weight.
    """
    if (x.size(0) == 1 and w.size(0) % 2 == 0 and x.size(1) > 1 and x.size(1) * x.size(2) * x.size(3) <= 20480
            and not (w.size(-1) > 3 and w.size(-2) > 3)):
        return F.conv3d(torch.cat([x, x], 1), w, b, 1, padding, 1, 2)
    return F.conv3d(x, w, b, 1, padding, 1, 1)


class _FastConvGrad(torch.autograd.Function):
    """Training only: conv3d whose backward is also computed with (oneDNN) forward convolutions.

    torch 1.13's CPU convolution_backward falls back to im2col + reference BLAS and is ~10x slower
    than the forward. grad_input = conv(grad_out, flipped transposed weight); grad_weight =
    conv(x with channels as batch, grad_out with channels as filters). Same maths, exact up to
    float rounding (checked in `selftest`).
    """

    @staticmethod
    def forward(ctx, x, w, b, padding):
        ctx.save_for_backward(x, w)
        ctx.padding = padding
        return fast_conv3d(x, w, b, padding)

    @staticmethod
    def backward(ctx, go):
        x, w = ctx.saved_tensors
        p = ctx.padding
        gx = gw = gb = None
        go = go.contiguous()
        if ctx.needs_input_grad[0]:
            wt = w.flip(2, 3, 4).transpose(0, 1).contiguous()
            gx = fast_conv3d(go, wt, None, p)
        if ctx.needs_input_grad[1]:
            gw = F.conv3d(x.transpose(0, 1), go.transpose(0, 1), None, 1, p).transpose(0, 1).contiguous()
        if ctx.needs_input_grad[2]:
            gb = go.sum(dim=(0, 2, 3, 4))
        return gx, gw, gb, None


class Conv3d(nn.Conv3d):
    """nn.Conv3d (same parameters and state_dict, stride 1, "same" padding) computed with
    `fast_conv3d`; during Python training (fast_grad=True) also with a fast backward."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.fast_grad = False

    @torch.jit.unused
    def _forward_fast_grad(self, x: torch.Tensor) -> torch.Tensor:
        return _FastConvGrad.apply(x, self.weight, self.bias, list(self.padding))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.fast_grad and self.training:
            return self._forward_fast_grad(x)
        return fast_conv3d(x, self.weight, self.bias, [self.padding[0], self.padding[1], self.padding[2]])


class Block(nn.Module):
    """Two (conv 3x3x3 -> InstanceNorm3d -> LeakyReLU), then Dropout3d at the end of the block."""

    def __init__(self, cin: int, cout: int, p_drop: float):
        super().__init__()
        self.body = nn.Sequential(
            Conv3d(cin, cout, 3, padding=1),
            nn.InstanceNorm3d(cout, affine=True, track_running_stats=False),
            nn.LeakyReLU(0.01, inplace=True),
            Conv3d(cout, cout, 3, padding=1),
            nn.InstanceNorm3d(cout, affine=True, track_running_stats=False),
            nn.LeakyReLU(0.01, inplace=True),
            nn.Dropout3d(p_drop),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


class Up(nn.Module):
    """Transposed-conv upsampling (x2), concatenation with the skip, then a Block."""

    def __init__(self, cin: int, cskip: int, cout: int, p_drop: float):
        super().__init__()
        self.up = nn.ConvTranspose3d(cin, cout, 2, stride=2)
        self.block = Block(cout + cskip, cout, p_drop)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return self.block(torch.cat([self.up(x), skip], dim=1))


class UNet3D(nn.Module):
    """Fully convolutional 3D U-Net: [B,1,D,H,W] -> [B,6,D,H,W].

    For CPU speed the volume first goes through a lossless 2x2x2 space-to-depth rearrangement
    ([B,1,D,H,W] -> [B,8,D/2,H/2,W/2]); the U-Net (levels of two conv-IN-LeakyReLU + Dropout3d
    blocks, max-pool down, transposed-conv up, skip concatenations) runs at that grid, and a 1x1x1
    head predicts 6x8 values per coarse voxel that depth-to-space puts back on the full grid
    (sub-voxel detail is encoded in the channels). D, H, W must be divisible by 2**(depth+1).
    """

    def __init__(self, base: int = 16, depth: int = 3, mult: int = 2, p_drop: float = 0.1, n_out: int = 6):
        super().__init__()
        feats = [base * mult ** i for i in range(depth + 1)]
        self.enc = nn.ModuleList()
        cin = 8
        for f in feats:
            self.enc.append(Block(cin, f, p_drop))
            cin = f
        self.dec = nn.ModuleList()
        for i in range(depth - 1, -1, -1):
            self.dec.append(Up(feats[i + 1], feats[i], feats[i], p_drop))
        self.head = nn.Conv3d(feats[0], n_out * 8, 1)
        self.n_out = n_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, D, H, W = x.size(0), x.size(2), x.size(3), x.size(4)
        d, h, w = D // 2, H // 2, W // 2
        x = x.reshape(B, 1, d, 2, h, 2, w, 2).permute(0, 1, 3, 5, 7, 2, 4, 6).reshape(B, 8, d, h, w)
        skips: List[torch.Tensor] = []
        n = len(self.enc)
        for i, blk in enumerate(self.enc):
            x = blk(x)
            if i < n - 1:
                skips.append(x)
                x = F.max_pool3d(x, 2)
        for i, up in enumerate(self.dec):
            x = up(x, skips[len(skips) - 1 - i])
        y = self.head(x)
        y = y.reshape(B, self.n_out, 2, 2, 2, d, h, w).permute(0, 1, 5, 2, 6, 3, 7, 4).reshape(B, self.n_out, D, H, W)
        return torch.sigmoid(y)


def count_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------
def normalise_ri(ri: np.ndarray) -> np.ndarray:
    return ((np.clip(ri, CLIP[0], CLIP[1]) - CLIP[0]) / (CLIP[1] - CLIP[0])).astype(np.float32)


def synth(cli: str, path: str, size, cells: int, seed: int, condition: str = "control"):
    if os.path.exists(path):
        return
    cmd = [cli, "synth", "cells", "-o", path, "--size", ",".join(map(str, size)), "--cells", str(cells),
           "--seed", str(seed), "--quiet"]
    if condition != "control":
        cmd += ["--condition", condition]
    subprocess.run(cmd, check=True)


def read_field(path: str):
    import h5py
    with h5py.File(path, "r") as f:
        ri = f["channels/ri/000000"][...]
        fl = np.stack([f["channels/%s/000000" % t][...] for t in TARGETS])
    return normalise_ri(ri), fl.astype(np.float32)


def parse_depths(text: str):
    return tuple(int(v) for v in str(text).split(",") if v.strip())


def field_plan(n_train: int, n_val: int, n_deep: int = 0, deep_depths=(), n_val_deep: int = 0):
    """Deterministic list of (split, seed, size, cells, condition).

    The 32-slice fields (training seeds 1000.., validation 3000..) are the ones of stages 1-3. Stage 4
    adds deeper fields (training seeds 1100.., validation seeds 3100..) whose depth cycles through
    `deep_depths`: random 32-slice crops of them cut cells in z, as the engine's z tiling does."""
    plan = []
    rng = np.random.RandomState(12345)
    for i in range(n_train):
        seed = 1000 + i
        size = (32, 256, 256)
        cells = int(rng.randint(3, 7))  # 3..6
        cond = "treated" if i % 2 else "control"
        plan.append(("train", seed, size, cells, cond))
    for i in range(n_val):
        seed = 3000 + i
        plan.append(("val", seed, (32, 256, 256), 5, "treated" if i % 2 else "control"))
    if n_deep or n_val_deep:
        assert deep_depths, "--n-deep / --n-val-deep need --deep-depths"
        assert n_deep <= 100, "deep training seeds must stay in 1100..1199"
        drng = np.random.RandomState(54321)
        for i in range(n_deep):
            size = (deep_depths[i % len(deep_depths)], 256, 256)
            cells = int(drng.randint(3, 7))
            plan.append(("train", 1100 + i, size, cells, "treated" if i % 2 else "control"))
        for i in range(n_val_deep):
            size = (deep_depths[i % len(deep_depths)], 256, 256)
            plan.append(("val", 3100 + i, size, 5, "treated" if i % 2 else "control"))
    return plan


def plan_of(args):
    return field_plan(args.n_train, args.n_val, args.n_deep, parse_depths(args.deep_depths), args.n_val_deep)


def cmd_gen(args):
    os.makedirs(args.data, exist_ok=True)
    t0 = time.time()
    plan = plan_of(args)
    for split, seed, size, cells, cond in plan:
        assert seed >= 1000, "seeds 1..100 and 200..400 are reserved for held-out evaluation"
        synth(args.cli, os.path.join(args.data, "%s_%d.h5" % (split, seed)), size, cells, seed, cond)
    print("generated %d fields in %.1f s" % (len(plan), time.time() - t0))


def load_split(args, split: str, deep: bool = False):
    """Fields of one split: the 32-slice ones (deep=False) or the deeper ones (deep=True)."""
    xs, ys = [], []
    for s, seed, size, cells, cond in plan_of(args):
        if s != split or (size[0] != 32) != deep:
            continue
        x, y = read_field(os.path.join(args.data, "%s_%d.h5" % (s, seed)))
        xs.append(x)
        ys.append(y.astype(np.float16))  # halves the memory; targets are smooth in [0,1]
    return xs, ys


def random_crop(xs, ys, rng: np.random.RandomState, crop):
    k = rng.randint(len(xs))
    x, y = xs[k], ys[k]
    D, H, W = x.shape
    cd, ch, cw = crop
    z0 = rng.randint(0, D - cd + 1)
    y0 = rng.randint(0, H - ch + 1)
    x0 = rng.randint(0, W - cw + 1)
    xc = x[z0:z0 + cd, y0:y0 + ch, x0:x0 + cw]
    yc = y[:, z0:z0 + cd, y0:y0 + ch, x0:x0 + cw].astype(np.float32)
    # Augmentation: in-plane 90-degree rotations and flips (y, x, and z: the synthetic cells sit on
    # a coverslip, so z flips are not used), mild intensity gain on the scaled RI.
    r = rng.randint(4)
    xc = np.rot90(xc, r, axes=(1, 2))
    yc = np.rot90(yc, r, axes=(2, 3))
    if rng.rand() < 0.5:
        xc = xc[:, :, ::-1]
        yc = yc[:, :, :, ::-1]
    if rng.rand() < 0.5:
        xc = xc[:, ::-1, :]
        yc = yc[:, :, ::-1, :]
    return np.ascontiguousarray(xc), np.ascontiguousarray(yc)


# --------------------------------------------------------------------------------------------
# Loss
# --------------------------------------------------------------------------------------------
def gradient_difference_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Squared 3D gradient-difference loss: mean((|grad y| - |grad y_hat|)^2) over z, y, x."""
    loss = pred.new_zeros(())
    for dim in (2, 3, 4):
        n = pred.shape[dim]
        dp = (pred.narrow(dim, 1, n - 1) - pred.narrow(dim, 0, n - 1)).abs()
        dt = (target.narrow(dim, 1, n - 1) - target.narrow(dim, 0, n - 1)).abs()
        loss = loss + ((dp - dt) ** 2).mean()
    return loss / 3.0


def ri2fl_loss(pred, target, weights):
    w = weights.view(1, -1, 1, 1, 1)
    mse = (((pred - target) ** 2) * w).mean()
    gdl = gradient_difference_loss(pred * w.sqrt(), target * w.sqrt())
    return mse + gdl, mse, gdl


# --------------------------------------------------------------------------------------------
# Metrics and inference
# --------------------------------------------------------------------------------------------
def pearson(a: np.ndarray, b: np.ndarray) -> float:
    a = a.astype(np.float64).ravel()
    b = b.astype(np.float64).ravel()
    a = a - a.mean()
    b = b - b.mean()
    den = math.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den > 0 else float("nan")


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * math.log10(1.0 / mse) if mse > 0 else float("inf")


def _window_1d(n: int) -> np.ndarray:
    # Smooth (squared-sine) blending weight, never exactly zero so edges of the volume are covered.
    t = (np.arange(n) + 0.5) / n
    return (np.sin(np.pi * t) ** 2 + 1e-3).astype(np.float32)


def predict_volume(model, x: np.ndarray, patch=None) -> np.ndarray:
    """x: (D,H,W) scaled RI. patch None: whole volume at once (fully convolutional); else sliding
    window with 50 % overlap and smooth blending (as the C++ engine tiles)."""
    with torch.no_grad():
        if patch is None:
            return model(torch.from_numpy(x)[None, None]).numpy()[0]
        D, H, W = x.shape
        pd, ph, pw = [min(p, s) for p, s in zip(patch, x.shape)]
        out = np.zeros((6, D, H, W), np.float32)
        wsum = np.zeros((D, H, W), np.float32)
        win = (_window_1d(pd)[:, None, None] * _window_1d(ph)[None, :, None] * _window_1d(pw)[None, None, :])

        def starts(n, p):
            s = list(range(0, max(n - p, 0) + 1, max(p // 2, 1)))
            if s[-1] != n - p:
                s.append(n - p)
            return s

        for z0 in starts(D, pd):
            for y0 in starts(H, ph):
                for x0 in starts(W, pw):
                    t = torch.from_numpy(np.ascontiguousarray(x[z0:z0 + pd, y0:y0 + ph, x0:x0 + pw]))[None, None]
                    o = model(t).numpy()[0]
                    out[:, z0:z0 + pd, y0:y0 + ph, x0:x0 + pw] += o * win
                    wsum[z0:z0 + pd, y0:y0 + ph, x0:x0 + pw] += win
        return out / wsum


# --------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------
def build_model(args) -> UNet3D:
    return UNet3D(base=args.base, depth=args.depth, mult=2, p_drop=args.dropout)


def cmd_bench(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = build_model(args).eval()
    x = torch.rand(1, 1, *PATCH)
    with torch.no_grad():
        model(x)
        ts = []
        for _ in range(args.reps):
            t0 = time.time()
            model(x)
            ts.append(time.time() - t0)
    m = torch.jit.load(args.model) if args.model and os.path.exists(args.model) else None
    res = {"params": count_params(model), "base": args.base, "depth": args.depth,
           "forward_s_median": float(np.median(ts)), "forward_s_min": float(np.min(ts))}
    if m is not None:
        m.eval()
        with torch.no_grad():
            m(x)
            ts = []
            for _ in range(args.reps):
                t0 = time.time()
                m(x)
                ts.append(time.time() - t0)
        res["scripted_forward_s_median"] = float(np.median(ts))
        res["scripted_forward_s_min"] = float(np.min(ts))
    print(json.dumps(res))
    return res


def cmd_train(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.RandomState(args.seed)
    t_load = time.time()
    xs, ys = load_split(args, "train")
    vx, vy = load_split(args, "val")
    dxs, dys = load_split(args, "train", deep=True)
    dvx, dvy = load_split(args, "val", deep=True)
    print("loaded %d + %d deep train / %d + %d deep val fields in %.1f s"
          % (len(xs), len(dxs), len(vx), len(dvx), time.time() - t_load), flush=True)

    model = build_model(args)
    for mod in model.modules():
        if isinstance(mod, Conv3d):
            mod.fast_grad = True  # training-only fast backward (see _FastConvGrad)
    # Start the sigmoid head at each channel's mean training intensity (logit), so the first steps
    # learn structure instead of slowly pulling a 0.5 output down to the mostly-dark background.
    means = np.array([np.mean([float(y[c].mean()) for y in ys]) for c in range(6)])
    with torch.no_grad():
        model.head.bias.copy_(torch.from_numpy(np.log(means / (1 - means))).float().repeat_interleave(8))
    print("channel means: " + " ".join("%s %.4f" % (t, m) for t, m in zip(TARGETS, means)), flush=True)
    if args.init_from:  # continue training from an earlier checkpoint (weights only; fresh Adam state)
        model.load_state_dict(torch.load(args.init_from, map_location="cpu")["state_dict"])
        print("initialised from %s" % args.init_from, flush=True)
    print("parameters: %d" % count_params(model), flush=True)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.2, patience=args.patience)
    weights = torch.tensor([float(w) for w in args.channel_weights.split(",")], dtype=torch.float32)
    assert weights.numel() == 6

    # Fixed validation crops (deterministic): the centre 32x128x128 of each validation field plus
    # one corner crop.
    vrng = np.random.RandomState(999)
    vcrops = [random_crop(vx, vy, vrng, args.crop) for _ in range(args.n_val_crops)]
    if dvx:  # the same number of fixed crops from the deep validation fields (own rng: the 32-slice
        drng = np.random.RandomState(998)  # crops stay those of stage 3)
        vcrops += [random_crop(dvx, dvy, drng, args.crop) for _ in range(args.n_val_crops)]

    def validate():
        model.eval()
        tot = 0.0
        pcc = []
        with torch.no_grad():
            for xc, yc in vcrops:
                p = model(torch.from_numpy(xc)[None, None])
                t = torch.from_numpy(yc)[None]
                tot += float(ri2fl_loss(p, t, weights)[0])
                pn = p.numpy()[0]
                pcc.append([pearson(pn[c], yc[c]) for c in range(6)])
        model.train()
        # nanmean: a crop without any nucleolus (constant truth) has no defined correlation
        return tot / len(vcrops), np.nanmean(np.array(pcc), axis=0)

    log = {"epochs": [], "args": vars(args)}
    best = float("inf")
    t0 = time.time()
    model.train()
    step = 0
    for epoch in range(1, args.epochs + 1):
        tl = tm = tg = 0.0
        for _ in range(args.steps_per_epoch):
            bx, by = [], []
            for _b in range(args.batch):
                if dxs and rng.rand() < args.deep_share:
                    xc, yc = random_crop(dxs, dys, rng, args.crop)
                else:
                    xc, yc = random_crop(xs, ys, rng, args.crop)
                bx.append(xc[None])
                by.append(yc)
            xb = torch.from_numpy(np.stack(bx))
            yb = torch.from_numpy(np.stack(by))
            pred = model(xb)
            loss, mse, gdl = ri2fl_loss(pred, yb, weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tl += float(loss)
            tm += float(mse)
            tg += float(gdl)
            step += 1
        n = args.steps_per_epoch
        vl, vp = validate()  # over 32-slice and (if any) deep validation crops together
        sched.step(vl)
        el = time.time() - t0
        rec = {"epoch": epoch, "step": step, "time_s": round(el, 1), "lr": opt.param_groups[0]["lr"],
               "train_loss": tl / n, "train_mse": tm / n, "train_gdl": tg / n, "val_loss": vl,
               "val_pcc": dict(zip(TARGETS, [round(float(v), 4) for v in vp]))}
        log["epochs"].append(rec)
        print(json.dumps(rec), flush=True)
        if vl < best:
            best = vl
            torch.save({"state_dict": model.state_dict(), "epoch": epoch, "args": vars(args)}, args.checkpoint)
        with open(args.log, "w") as f:
            json.dump(log, f, indent=1)
        if args.max_minutes and el > args.max_minutes * 60:
            print("time budget reached after epoch %d" % epoch, flush=True)
            break
    log["train_time_s"] = time.time() - t0
    log["best_val_loss"] = best
    with open(args.log, "w") as f:
        json.dump(log, f, indent=1)
    print("training done in %.1f min, best val loss %.5f" % ((time.time() - t0) / 60, best), flush=True)


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cmd_export(args):
    torch.set_num_threads(args.threads)
    ck = torch.load(args.checkpoint, map_location="cpu")
    model = build_model(args)
    model.load_state_dict(ck["state_dict"])
    model.eval()
    scripted = torch.jit.script(model)
    out = os.path.join(args.out_dir, "model.pt")
    scripted.save(out)

    # Checks: same output as eager in eval mode; Monte Carlo dropout survives scripting (train() mode
    # gives varying outputs); shapes for the patch and another size divisible by 2**depth.
    m = torch.jit.load(out)
    m.eval()
    torch.manual_seed(0)
    x = torch.rand(1, 1, *PATCH)
    with torch.no_grad():
        ye = model(x)
        ys = m(x)
        assert tuple(ys.shape) == (1, 6, *PATCH), ys.shape
        diff = float((ye - ys).abs().max())
        assert diff < 1e-4, diff
        ys2 = m(x)
        assert torch.equal(ys, ys2), "eval mode must be deterministic"
        m.train()  # enables dropout; InstanceNorm has no running stats, so it is unaffected
        a = m(x)
        b = m(x)
        mc_diff = float((a - b).abs().mean())
        assert mc_diff > 1e-5, "dropout did not survive scripting"
        m.eval()
        other = m(torch.rand(2, 1, 16, 64, 96))
        assert tuple(other.shape) == (2, 6, 16, 64, 96), other.shape
    size = os.path.getsize(out)
    assert size < 20 * 1024 * 1024
    print("exported %s (%.2f MB); eager/scripted max diff %.2e; MC-dropout mean |diff| %.4f"
          % (out, size / 1e6, diff, mc_diff))

    train_log = {}
    if os.path.exists(args.log):
        with open(args.log) as f:
            train_log = json.load(f)
    ep = train_log.get("epochs", [])
    manifest = {
        "name": "ri2fl-synthetic",
        "task": "fluorescence",
        "files": [{"path": "model.pt", "outputs": TARGETS}],
        "input": {"voxel_size_um": VOXEL_UM, "clip": list(CLIP), "patch": PATCH,
                  "scale": "(clip(ri, 1.337, 1.390) - 1.337) / 0.053", "layout": "[B,1,D,H,W] float32",
                  "divisible_by": 2 ** (args.depth + 1)},
        "sha256": {"model.pt": sha256_of(out)},
        "output_range": [0, 1],
        "has_dropout": True,
        "dropout_p": args.dropout,
        "description": ("RI2FL-style 3D U-Net (Jo et al., Nat Cell Biol 2021) trained on Refractome's "
                        "synthetic cell fields (refractome-cli synth cells). Predicts six fluorescence "
                        "channels from RI; final sigmoid, output in [0,1]. Fully convolutional "
                        "(D,H,W divisible by %d). Dropout3d (p=%.2g) at the end of every block: put the "
                        "module in train() mode for Monte Carlo dropout (InstanceNorm has no running "
                        "statistics, so train() changes only dropout). For demonstration on synthetic "
                        "data; not validated on real tomograms." % (2 ** (args.depth + 1), args.dropout)),
        "architecture": {"type": "unet3d", "base_features": args.base, "levels": args.depth + 1,
                         "poolings": args.depth, "feature_multiplier": 2,
                         "block": "2x(conv3 + InstanceNorm3d(affine) + LeakyReLU(0.01)) + Dropout3d",
                         "upsampling": "ConvTranspose3d(2, stride 2)", "head": "conv1 + sigmoid",
                         "parameters": count_params(model)},
        "training": {
            "data": ("refractome-cli synth cells, %d training fields (seeds 1000..%d, size 32x256x256, "
                     "3-6 cells, alternating control/treated), %d validation fields (seeds 3000..%d, "
                     "5 cells); held-out seeds 1..100 never used"
                     % (args.n_train, 999 + args.n_train, args.n_val, 2999 + args.n_val)
                     + ("; plus %d deeper training fields (seeds 1100..%d, depths cycling %s, 3-6 cells) "
                        "and %d deeper validation fields (seeds 3100..%d), %.0f %% of training crops "
                        "drawn from the deeper fields"
                        % (args.n_deep, 1099 + args.n_deep, args.deep_depths, args.n_val_deep,
                           3099 + args.n_val_deep, 100 * args.deep_share) if args.n_deep else "")),
            "train_seeds": [1000, 999 + args.n_train],
            "val_seeds": [3000, 2999 + args.n_val],
            "epochs": len(ep),
            "steps_per_epoch": args.steps_per_epoch,
            "batch": args.batch,
            "crop": list(args.crop),
            "best_epoch": ck.get("epoch"),
            "train_time_s": round(train_log.get("train_time_s", 0.0), 1),
            "loss": "MSE + squared 3D gradient-difference loss (forward differences along z, y, x)",
            "channel_weights": [float(w) for w in args.channel_weights.split(",")],
            "optimizer": "Adam lr %g, ReduceLROnPlateau(factor 0.2, patience %d) on validation loss"
                         % (args.lr, args.patience),
            "augmentation": "random crops, in-plane 90-degree rotations, x and y flips",
            "torch_seed": args.seed,
            "torch_version": torch.__version__,
        },
    }
    if args.n_deep:
        manifest["training"]["deep_fields"] = {"n": args.n_deep, "depths": list(parse_depths(args.deep_depths)),
                                               "seeds": [1100, 1099 + args.n_deep],
                                               "val_seeds": [3100, 3099 + args.n_val_deep],
                                               "crop_share": args.deep_share}
    if os.path.exists(args.eval_json):
        with open(args.eval_json) as f:
            manifest["evaluation"] = json.load(f).get("summary")
    if args.eval_json_deep and os.path.exists(args.eval_json_deep):
        with open(args.eval_json_deep) as f:
            d = json.load(f)
        manifest["evaluation_deep"] = {"fields": d.get("fields"), "summary": d.get("summary")}
    with open(os.path.join(args.out_dir, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print("wrote %s" % os.path.join(args.out_dir, "model.json"))


def cmd_evaluate(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = torch.jit.load(os.path.join(args.out_dir, "model.pt"))
    model.eval()
    os.makedirs(args.data, exist_ok=True)
    per = {"whole": {t: {"pcc": [], "psnr": []} for t in TARGETS},
           "tiled": {t: {"pcc": [], "psnr": []} for t in TARGETS}}
    t0 = time.time()
    for k in range(1, 9):
        path = os.path.join(args.data, "heldout_%d.h5" % k)
        synth(args.cli, path, (32, 256, 256), 5, k)
        x, y = read_field(path)
        for mode, patch in (("whole", None), ("tiled", PATCH)):
            p = predict_volume(model, x, patch)
            for c, t in enumerate(TARGETS):
                per[mode][t]["pcc"].append(pearson(p[c], y[c]))
                per[mode][t]["psnr"].append(psnr(p[c], y[c]))
        print("seed %d: " % k + " ".join("%s %.3f" % (t[:4], per["tiled"][t]["pcc"][-1]) for t in TARGETS),
              flush=True)
    summary = {}
    for mode in per:
        summary[mode] = {t: {"median_pcc": round(float(np.median(per[mode][t]["pcc"])), 4),
                             "median_psnr_db": round(float(np.median(per[mode][t]["psnr"])), 2)}
                         for t in TARGETS}
    res = {"fields": "refractome-cli synth cells --size 32,256,256 --cells 5 --seed K, K = 1..8",
           "modes": {"whole": "whole volume in one forward pass",
                     "tiled": "32x128x128 patches, 50 % overlap, squared-sine blending"},
           "summary": summary, "per_field": per, "time_s": round(time.time() - t0, 1)}
    with open(args.eval_json, "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(summary, indent=1))


def cmd_cli_evaluate(args):
    """The acceptance check: the C++ engine (`refractome-cli predict`, default options: 32x128x128
    tiles, 50 % overlap) scored by `refractome-cli evaluate` on the held-out fields, seeds 1..8."""
    os.makedirs(args.data, exist_ok=True)
    per = {t: {"pcc": [], "psnr": [], "ssim": []} for t in TARGETS}
    t0 = time.time()
    depth = args.eval_depth
    seeds = list(range(1, args.eval_fields + 1))
    tag = "" if depth == 32 else "d%d_" % depth  # 32 slices: the stage-3 file names
    for k in seeds:
        truth = os.path.join(args.data, "heldout_%s%d.h5" % (tag, k))
        synth(args.cli, truth, (depth, 256, 256), 5, k)
        pred = os.path.join(args.data, "cli_pred_%s%d.h5" % (tag, k))
        if os.path.exists(pred):
            os.remove(pred)
        subprocess.run([args.cli, "predict", truth, "-o", pred, "--model", args.out_dir, "--threads",
                        str(args.threads), "--quiet"], check=True)
        out = subprocess.run([args.cli, "evaluate", pred, truth, "--json", "--channels", ",".join(TARGETS)],
                             check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
        ch = json.loads(out)["channels"]
        for t in TARGETS:
            for key in ("pcc", "psnr", "ssim"):
                per[t][key].append(ch[t][key])
        print("seed %d: " % k + " ".join("%s %.3f" % (t[:4], ch[t]["pcc"]) for t in TARGETS), flush=True)
    summary = {t: {"median_pcc": round(float(np.median(per[t]["pcc"])), 4),
                   "min_pcc": round(float(np.min(per[t]["pcc"])), 4),
                   "max_pcc": round(float(np.max(per[t]["pcc"])), 4),
                   "median_psnr_db": round(float(np.median(per[t]["psnr"])), 2),
                   "median_ssim": round(float(np.median(per[t]["ssim"])), 4)} for t in TARGETS}
    res = {"fields": "refractome-cli synth cells --size %d,256,256 --cells 5 --seed K, K = 1..%d"
                     % (depth, len(seeds)),
           "engine": "refractome-cli predict (default options) + refractome-cli evaluate --json",
           "summary": summary, "per_field": per, "time_s": round(time.time() - t0, 1)}
    with open(args.cli_eval_json, "w") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(summary, indent=1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["gen", "bench", "train", "export", "evaluate", "cli-evaluate", "all"])
    ap.add_argument("--cli", default=os.environ.get("REFRACTOME_CLI", DEFAULT_CLI))
    ap.add_argument("--data", default="/tmp/ri2fl-data")
    ap.add_argument("--out-dir", default=HERE)
    ap.add_argument("--checkpoint", default="/tmp/ri2fl-data/checkpoint.pth")
    ap.add_argument("--log", default="/tmp/ri2fl-data/train_log.json")
    ap.add_argument("--eval-json", default="/tmp/ri2fl-data/eval.json")
    ap.add_argument("--cli-eval-json", default="/tmp/ri2fl-data/cli_eval.json")
    ap.add_argument("--n-train", type=int, default=32)
    ap.add_argument("--n-val", type=int, default=4)
    ap.add_argument("--n-val-crops", type=int, default=8,
                    help="fixed validation crops (this many again from the deep validation fields)")
    ap.add_argument("--n-deep", type=int, default=24,
                    help="extra training fields deeper than 32 slices (seeds 1100..), stage 4")
    ap.add_argument("--n-val-deep", type=int, default=4, help="extra deep validation fields (seeds 3100..)")
    ap.add_argument("--deep-depths", default="48,64,96,64",
                    help="z sizes of the deep fields, cycled over the fields (with --n-deep/--n-val-deep)")
    ap.add_argument("--deep-share", type=float, default=0.5,
                    help="probability that a training crop comes from a deep field")
    ap.add_argument("--eval-depth", type=int, default=32, help="cli-evaluate: z size of the held-out fields")
    ap.add_argument("--eval-fields", type=int, default=8, help="cli-evaluate: seeds 1..N")
    ap.add_argument("--eval-json-deep", default="", help="export: cli-evaluate JSON of deep held-out fields")
    ap.add_argument("--base", type=int, default=16)
    ap.add_argument("--depth", type=int, default=3, help="number of 2x poolings")
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--patience", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--steps-per-epoch", type=int, default=50)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--crop", type=lambda s: tuple(int(v) for v in s.split(",")), default=(32, 64, 64))
    ap.add_argument("--channel-weights", default="1,2,1,1,1,1",
                    help="per-channel loss weights in the order " + ",".join(TARGETS))
    ap.add_argument("--max-minutes", type=float, default=0, help="stop after the epoch that passes this")
    ap.add_argument("--init-from", default="", help="checkpoint to continue training from")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2,
                    help="torch CPU threads (use 1 on a machine shared with compilers)")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--model", default="")
    args = ap.parse_args(argv)
    if args.command in ("gen", "all"):
        cmd_gen(args)
    if args.command == "bench":
        cmd_bench(args)
    if args.command in ("train", "all"):
        cmd_train(args)
    if args.command in ("export", "all"):
        cmd_export(args)
    if args.command == "cli-evaluate":
        cmd_cli_evaluate(args)
    if args.command in ("evaluate", "all"):
        cmd_evaluate(args)
        if args.command == "all":
            cmd_export(args)  # re-write the manifest with the evaluation summary


if __name__ == "__main__":
    main()
