#!/usr/bin/env python3
"""How much accuracy float16 *arithmetic* would cost, emulated in PyTorch.

The engine's precision=fp16 stores activations as float16 and computes in
float32. This measures what computing in float16 too would do to the e2e
tests' bound (relative error <= 1e-2 of max|ref|, same top-1): the same
seeded models as tests/test_e2e.py (tools/models/make_model.py), each
convolution and Gemm evaluated three ways against the float64 reference:

  storage   float16 activations, float32 dot products (what the engine does)
  fma16     float16 activations, each dot product accumulated in float16 one
            term at a time with a fused multiply-add (one rounding per term:
            a shader's float16_t accumulator)
  split64   as fma16, but each sum split into 64 interleaved partial sums
            added at the end (conv_split.comp's shape), still in float16

Every op between them (pools, LRN, concat, softmax) runs in float32 on
float16-rounded inputs. BatchNormalization is folded into the convolutions
first, as the engine does. Prints one line per model and mode.

usage: /usr/bin/python3 tools/bench/fp16_accumulate.py [--kinds bvlc,torchvision]
                                                        [--seeds 1,2,3]
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "models"))
import make_model as mm  # noqa: E402

ORIG_CONV2D = F.conv2d
ORIG_LINEAR = F.linear
MODE = "storage"


def half(t):
    return t.to(torch.float16).to(torch.float32)


def accumulate(w, cols):
    """sum_k w[:, k] * cols[:, k, :] as MODE says; w [Cout, K], cols [N, K, L]."""
    if MODE == "storage":
        return torch.einsum("ok,nkl->nol", w, cols)
    n, k_total, l_total = cols.shape
    groups = 64 if MODE == "split64" else 1
    acc = torch.zeros((groups, n, w.shape[0], l_total), dtype=torch.float32)
    for k in range(k_total):
        g = k % groups
        # A float32 FMA of float16 values is exact in its product; rounding
        # the sum to float16 is the one rounding of a float16 FMA.
        acc[g] = half(acc[g] + w[:, k, None] * cols[:, k, None, :])
    total = acc[0]
    for g in range(1, groups):
        total = half(total + acc[g])
    return total


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    assert groups == 1
    x = half(x.float())
    w = half(weight.float())
    n, _, h, wd = x.shape
    kh, kw = w.shape[2:]
    stride = (stride, stride) if isinstance(stride, int) else tuple(stride)
    padding = (padding, padding) if isinstance(padding, int) else tuple(padding)
    dilation = (dilation, dilation) if isinstance(dilation, int) else tuple(dilation)
    oh = (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    cols = F.unfold(x, (kh, kw), dilation=dilation, padding=padding, stride=stride)
    y = accumulate(w.reshape(w.shape[0], -1), cols)
    if bias is not None:
        y = y + half(bias.float())[None, :, None]
        if MODE != "storage":
            y = half(y)
    return half(y.reshape(n, -1, oh, ow)).to(weight.dtype)


def linear(x, weight, bias=None):
    x2 = half(x.float())
    y = accumulate(half(weight.float()), x2[:, :, None])[:, :, 0]
    if bias is not None:
        y = y + half(bias.float())
        if MODE != "storage":
            y = half(y)
    return half(y).to(weight.dtype)


def fold_bn(model):
    """Folds each BasicConv2d's BatchNorm into its convolution (eval mode)."""
    from torch.nn.utils.fusion import fuse_conv_bn_eval
    for m in model.modules():
        if hasattr(m, "conv") and hasattr(m, "bn") and isinstance(m.bn, nn.BatchNorm2d):
            m.conv = fuse_conv_bn_eval(m.conv, m.bn)
            m.bn = nn.Identity()
    return model


def run(kind, seed=1):
    """(reference, {mode: output}) for one model at 1x3x224x224."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, (1, 3, 224, 224)).astype(np.float32)
    x64 = torch.from_numpy(x).double()
    if kind == "bvlc":
        weights = mm.bvlc_weights(rng)
        ref = mm.bvlc_reference(weights, x64, False)
        forward = lambda: mm.bvlc_reference(weights, torch.from_numpy(x).double(), False)  # noqa: E731
    else:
        net = mm.torchvision_model(seed)
        ref = mm.torch_reference(net, x64)
        folded = fold_bn(net.float())
        forward = lambda: folded(torch.from_numpy(x))  # noqa: E731
    outs = {}
    global MODE
    F.conv2d, F.linear = conv2d, linear
    try:
        with torch.no_grad():
            for MODE in ("storage", "fma16", "split64"):
                outs[MODE] = forward().double()
    finally:
        F.conv2d, F.linear = ORIG_CONV2D, ORIG_LINEAR
    return ref, outs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kinds", default="bvlc,torchvision")
    ap.add_argument("--seeds", default="1", help="comma-separated model seeds")
    args = ap.parse_args()
    for kind in args.kinds.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            ref, outs = run(kind, seed)
            scale = ref.abs().max().item()
            for mode, y in outs.items():
                err = (y - ref).abs().max().item() / scale
                same = bool((y.argmax(1) == ref.argmax(1)).all())
                print(f"{kind} seed {seed} {mode}: rel_err={err:.3g} "
                      f"top1_same={same} (bound 1e-2)", flush=True)


if __name__ == "__main__":
    main()
