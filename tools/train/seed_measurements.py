#!/usr/bin/python3
"""Reproduce every number in docs/inception.md.

    nice -n 10 /usr/bin/python3 tools/train/seed_measurements.py \\
        [--infer build/tools/vkinception-infer] [--work /tmp/seed-measure] \\
        [--model models/videotestsrc-googlenet.onnx]

Exports untrained (seeded) GoogLeNet variants built by tools/train/googlenet.py
to ONNX the way tools/train/export.py does (main head only, BatchNormalization
folded, Softmax at the end), and reads parameter and multiply-add counts from
`vkinception-infer --summary`. Nothing is trained. Sections:

  module    one inception module alone (each of 3a..5b at its input size in
            the reference network), reduced (Figure 2b) and naive (Figure 2a)
  network   the whole 224x224, 1000-class GoogLeNet, reduced; then naive (and
            where the engine refuses it, the naive network in pieces)
  head      global average pooling + FC against flatten(7x7x1024) + FC
  aux       the auxiliary classifiers (exported alone) and their share
  alexnet   AlexNet's parameter count against the measured GoogLeNet
  sizes     the default model at several input sizes (summary and a real
            videotestsrc frame each), and the BVLC model refusing 256x256

Run with /usr/bin/python3 (torch, torchvision, onnx). Prints Markdown-ish
tables; every engine output is also kept under --work.
"""

import argparse
import copy
import os
import re
import subprocess
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

import googlenet  # noqa: E402

MODULES = ("3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b")
# Spatial size of each module's input at 224x224.
MODULE_HW = {"3a": 28, "3b": 28, "4a": 14, "4b": 14, "4c": 14, "4d": 14,
             "4e": 14, "5a": 7, "5b": 7}
SEED = 1


def fmt(n):
    return "{:,}".format(n)


def mega(n):
    return "%.2f M" % (n / 1e6)


def giga(n):
    return "%.3f G" % (n / 1e9)


# ----------------------------------------------------------------- export

def export(model, shape, path, dynamic_hw=False):
    """torch.onnx.export as tools/train/export.py calls it."""
    model = model.eval()
    kw = {}
    if dynamic_hw:
        kw["dynamic_axes"] = {"input": {2: "H", 3: "W"}}
    torch.onnx.export(model, torch.zeros(*shape), path, opset_version=11,
                      input_names=["input"], output_names=["out"],
                      do_constant_folding=True,
                      training=torch.onnx.TrainingMode.EVAL, **kw)
    ops = sorted({n.op_type for n in onnx.load(path, load_external_data=False).graph.node})
    return ops


def build_net(**kw):
    torch.manual_seed(SEED)
    cfg = dict(num_classes=1000, width=1.0, naive=False, lrn=False, bn=True,
               aux=False, input_size=(224, 224))
    cfg.update(kw)
    return googlenet.GoogLeNet(**cfg)


def count(module):
    return sum(p.numel() for p in module.parameters())


def count_folded(module):
    """Parameters as the engine counts them once BatchNorm is folded: every
    convolution gets a bias, BatchNorm itself disappears."""
    n = 0
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            n += m.weight.numel() + m.out_channels
        elif isinstance(m, nn.Linear):
            n += m.weight.numel() + m.out_features
    return n


# ----------------------------------------------------------------- engine

class Summary:
    def __init__(self, text):
        self.text = text
        self.rows = []
        self.params = self.macs = None
        for line in text.splitlines():
            m = re.match(r"total: params=(\d+) macs=(\d+)", line)
            if m:
                self.params, self.macs = int(m.group(1)), int(m.group(2))
                continue
            f = line.split()
            if len(f) >= 5 and f[-1].isdigit() and f[-2].isdigit():
                self.rows.append((f[0], int(f[-2]), int(f[-1])))

    def by(self, key):
        """Sum params and macs of the rows by key(name)."""
        out = {}
        for name, p, m in self.rows:
            k = key(name)
            a = out.setdefault(k, [0, 0])
            a[0] += p
            a[1] += m
        return out


def infer(args, *argv):
    cmd = [args.infer] + list(argv)
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr.strip()


def summary(args, path, shape=None, log=None):
    argv = ["--model", path, "--summary"]
    if shape:
        argv += ["--shape", ",".join(str(d) for d in shape)]
    rc, out, err = infer(args, *argv)
    if log:
        with open(os.path.join(args.work, log), "w") as f:
            f.write(out + err + "\n")
    if rc != 0:
        return None, err
    return Summary(out), None


def show(cmd):
    print("$ " + " ".join(cmd))


# ---------------------------------------------------------------- sections

def section_module(args):
    print("\n## module: one inception module alone, reduced vs naive\n")
    print("Input: the reference (reduced) network's channels and size at that "
          "module; same branch widths (#1x1, #3x3, #5x5) both ways.\n")
    print("| module | input | reduced out | reduced params | reduced MACs | "
          "naive out | naive params | naive MACs | params x | MACs x |")
    print("|---|---|---|---:|---:|---|---:|---:|---:|---:|")
    cin = 192
    res = {}
    for name in MODULES:
        spec = googlenet.INCEPTION[name]
        hw = MODULE_HW[name]
        row = {}
        for kind, cls in (("reduced", googlenet.Inception),
                          ("naive", googlenet.NaiveInception)):
            torch.manual_seed(SEED)
            m = cls(cin, *spec)
            path = os.path.join(args.work, "module-%s-%s.onnx" % (name, kind))
            export(m, (1, cin, hw, hw), path)
            s, err = summary(args, path, log="module-%s-%s.txt" % (name, kind))
            if s is None:
                raise SystemExit("module %s %s: %s" % (name, kind, err))
            row[kind] = (m.out_channels, s)
        r, n = row["reduced"], row["naive"]
        print("| %s | %dx%dx%d | %d | %s | %s | %d | %s | %s | %.1f | %.1f |" % (
            name, hw, hw, cin, r[0], fmt(r[1].params), fmt(r[1].macs), n[0],
            fmt(n[1].params), fmt(n[1].macs), n[1].params / r[1].params,
            n[1].macs / r[1].macs))
        res[name] = row
        cin = r[0]
    sr = sum(res[k]["reduced"][1].params for k in MODULES)
    sn = sum(res[k]["naive"][1].params for k in MODULES)
    res["_naive_same_input"] = sn
    print("| all nine | | | %s | | | %s | | %.1f | |" % (fmt(sr), fmt(sn), sn / sr))

    print("\nInception 3a, per branch (engine rows, module alone):\n")
    print("| variant | layer | output | params | MACs |")
    print("|---|---|---|---:|---:|")
    for kind in ("reduced", "naive"):
        for line in res["3a"][kind][1].text.splitlines()[1:-1]:
            f = line.split()
            print("| %s | %s (%s) | %s | %s | %s |" % (
                kind, f[0], f[1], f[-3], fmt(int(f[-2])), fmt(int(f[-1]))))

    def branch(kind, b):
        return sum(p for n, p, _ in res["3a"][kind][1].rows
                   if n.startswith("/%s/" % b))
    for b, label in (("b3", "3x3"), ("b5", "5x5")):
        print("3a %s branch: reduced %s params, naive %s (%.2fx)" % (
            label, fmt(branch("reduced", b)), fmt(branch("naive", b)),
            branch("naive", b) / branch("reduced", b)))
    return res


def stage_of(name):
    """Stage of an engine row: "stem", "3a".."5b", "pool3/pool4" or "head"
    (names are the exporter's scopes, /net/3a/b1/... or /3a/b1/...)."""
    parts = name.strip("/").split("/")
    if parts[0] == "net" and len(parts) > 1:
        parts = parts[1:]
    p = parts[0]
    if p in MODULES:
        return p
    if p.startswith(("conv", "pool1", "pool2", "lrn")):
        return "stem"
    if p.startswith(("pool3", "pool4")):
        return "pool3/pool4"
    return "head"


def section_network(args):
    print("\n## network: whole GoogLeNet, 224x224, 1000 classes, width 1\n")
    out = {}
    for kind, naive in (("reduced", False), ("naive", True)):
        net = build_net(naive=naive)
        path = os.path.join(args.work, "googlenet-%s.onnx" % kind)
        export(googlenet.Exported(net), (1, 3, 224, 224), path)
        show([args.infer, "--model", path, "--summary"])
        s, err = summary(args, path, log="googlenet-%s.txt" % kind)
        print("-> %s" % (("total: params=%d macs=%d" % (s.params, s.macs))
                         if s else "vkinception-infer: " + err.split(": ", 1)[-1]))
        print("   (ONNX file %s bytes; PyTorch count with BN folded: %s, "
              "module output channels: %s)" % (
                  fmt(os.path.getsize(path)), fmt(count_folded(net)),
                  " ".join("%s=%d" % (k, net.blocks[k].out_channels)
                           for k in MODULES)))
        out[kind] = (net, s, err)

    net, s, _ = out["reduced"]
    stages = s.by(stage_of)
    print("\nReduced network, engine rows summed by module:\n")
    print("| stage | params | MACs |")
    print("|---|---:|---:|")
    for k in ["stem"] + list(MODULES) + ["head"]:
        print("| %s | %s | %s |" % (k, fmt(stages[k][0]), fmt(stages[k][1])))
    print("| **total** | **%s** | **%s** |" % (fmt(s.params), fmt(s.macs)))

    naive, ns, nerr = out["naive"]
    if ns is None:
        print("\nThe engine refuses the whole naive network here; measured in "
              "pieces, each exported alone at its place in the naive network:\n")
        pieces = []
        # stem + 3a .. 4d as one graph: the largest prefix that fits.
        class Prefix(nn.Module):
            def __init__(self, net, upto):
                super().__init__()
                self.net, self.upto = net, upto

            def forward(self, x):
                n = self.net
                x = n.lrn1(n.pool1(n.conv1(x)))
                x = n.pool2(n.lrn2(n.conv2(n.conv2r(x))))
                for k in MODULES:
                    x = n.blocks[k](x)
                    if k == "3b":
                        x = n.pool3(x)
                    if k == "4e":
                        x = n.pool4(x)
                    if k == self.upto:
                        break
                return x

        prefix_path = os.path.join(args.work, "naive-prefix-4d.onnx")
        export(Prefix(naive, "4d"), (1, 3, 224, 224), prefix_path)
        show([args.infer, "--model", prefix_path, "--summary"])
        ps, err = summary(args, prefix_path, log="naive-prefix-4d.txt")
        if ps is None:
            raise SystemExit("naive prefix: " + err)
        print("-> total: params=%d macs=%d  (stem + 3a..4d in one graph)" %
              (ps.params, ps.macs))
        pst = {k: v for k, v in ps.by(stage_of).items()}
        for k in ("stem", "3a", "3b", "4a", "4b", "4c", "4d"):
            pieces.append((k, "(in the prefix graph)", pst[k][0], pst[k][1]))
        cin_of = {}
        c = naive.blocks["3a"].b1[0].in_channels
        for k in MODULES:
            cin_of[k] = c
            c = naive.blocks[k].out_channels
        for k in ("4e", "5a", "5b"):
            hw = MODULE_HW[k]
            path = os.path.join(args.work, "naive-%s.onnx" % k)
            export(naive.blocks[k], (1, cin_of[k], hw, hw), path)
            ms, err = summary(args, path, log="naive-%s.txt" % k)
            if ms is None:
                raise SystemExit("naive %s: %s" % (k, err))
            pieces.append((k, "%dx%dx%d alone" % (hw, hw, cin_of[k]),
                           ms.params, ms.macs))

        class Head(nn.Module):
            def __init__(self, net):
                super().__init__()
                self.net = net

            def forward(self, x):
                n = self.net
                return torch.softmax(n.fc(torch.flatten(n.gap(x), 1)), 1)

        path = os.path.join(args.work, "naive-head.onnx")
        export(Head(naive), (1, naive.fc.in_features, 7, 7), path)
        hs, err = summary(args, path, log="naive-head.txt")
        if hs is None:
            raise SystemExit("naive head: " + err)
        pieces.append(("head", "GAP + FC %d->1000 alone" % naive.fc.in_features,
                       hs.params, hs.macs))
        print("\n| stage | how measured | params | MACs |")
        print("|---|---|---:|---:|")
        tp = tm = 0
        for k, how, p, m in pieces:
            print("| %s | %s | %s | %s |" % (k, how, fmt(p), fmt(m)))
            tp += p
            tm += m
        print("| **total** | sum of the pieces | **%s** | **%s** |" % (fmt(tp), fmt(tm)))
        print("\nPyTorch count of the naive network (BN folded): %s" %
              fmt(count_folded(naive)))
        mods = sum(p for k, _, p, _ in pieces if k in MODULES)
        print("the nine modules: naive network %s, reduced network %s (%.1fx)" % (
            fmt(mods), fmt(sum(stages[k][0] for k in MODULES)),
            mods / sum(stages[k][0] for k in MODULES)))
        if args.naive_same_input:
            print("naive modules in the naive network / naive modules on the "
                  "reduced network's inputs (%s): %.1fx" % (
                      fmt(args.naive_same_input), mods / args.naive_same_input))
        print("naive / reduced: params %.1fx, MACs %.1fx" %
              (tp / s.params, tm / s.macs))
        out["naive_pieces"] = (tp, tm)
    return out


def section_head(args, reduced_summary):
    print("\n## head: global average pooling vs flatten + FC\n")
    gap_fc = nn.Linear(1024, 1000)
    flat_fc = nn.Linear(7 * 7 * 1024, 1000)
    trunk = reduced_summary.params - count(gap_fc)
    print("| head | params | share of the network |")
    print("|---|---:|---:|")
    print("| GAP (no weights) + FC 1024->1000 | %s | %.1f%% |" % (
        fmt(count(gap_fc)), 100.0 * count(gap_fc) / reduced_summary.params))
    print("| flatten 7x7x1024 + FC 50176->1000 | %s | %.1f%% |" % (
        fmt(count(flat_fc)), 100.0 * count(flat_fc) / (trunk + count(flat_fc))))
    print("\ntrunk (everything before the head, engine): %s; whole network with "
          "the flatten head: %s (%.1fx the GAP version)" % (
              fmt(trunk), fmt(trunk + count(flat_fc)),
              (trunk + count(flat_fc)) / reduced_summary.params))

    class FlattenHead(nn.Module):
        def __init__(self, net):
            super().__init__()
            self.net = net
            torch.manual_seed(SEED)
            self.fc = nn.Linear(7 * 7 * net.fc.in_features, 1000)
            net.fc = nn.Identity()   # unused: out of the count

        def forward(self, x):
            n = self.net
            x = n.lrn1(n.pool1(n.conv1(x)))
            x = n.pool2(n.lrn2(n.conv2(n.conv2r(x))))
            b = n.blocks
            x = n.pool3(b["3b"](b["3a"](x)))
            x = b["4d"](b["4c"](b["4b"](b["4a"](x))))
            x = n.pool4(b["4e"](x))
            x = b["5b"](b["5a"](x))
            return torch.softmax(self.fc(torch.flatten(x, 1)), 1)

    m = FlattenHead(build_net())
    path = os.path.join(args.work, "googlenet-flatten-head.onnx")
    export(m, (1, 3, 224, 224), path)
    show([args.infer, "--model", path, "--summary"])
    s, err = summary(args, path, log="googlenet-flatten-head.txt")
    print("-> %s" % (("total: params=%d macs=%d" % (s.params, s.macs)) if s
                     else "vkinception-infer: " + err.split(": ", 1)[-1]))
    print("   (PyTorch count, BN folded: %s)" % fmt(count_folded(m)))


def section_aux(args):
    print("\n## aux: the auxiliary classifiers\n")
    with_aux = build_net(aux=True)
    without = build_net(aux=False)
    print("PyTorch, 224x224, width 1, 1000 classes (BN folded): with aux heads "
          "%s, without %s; aux1 %s, aux2 %s" % (
              fmt(count_folded(with_aux)), fmt(count_folded(without)),
              fmt(count_folded(with_aux.aux1)), fmt(count_folded(with_aux.aux2))))
    print("\nEach head exported alone (input = the 4a / 4d output at 224x224):\n")
    print("| head | input | params | MACs |")
    print("|---|---|---:|---:|")
    layers, totals = [], []
    for name, head, cin in (("aux1 (on 4a)", with_aux.aux1, 512),
                            ("aux2 (on 4d)", with_aux.aux2, 528)):
        path = os.path.join(args.work, "%s.onnx" % name.split()[0])
        # The same pool without the zero Pad node torch.onnx adds for
        # count_include_pad=True (with no padding the two are identical);
        # the engine has no Pad op.
        head = copy.deepcopy(head)
        head.pool = nn.AvgPool2d(5, 3, count_include_pad=False)
        export(head, (1, cin, 14, 14), path)
        s, err = summary(args, path, log="%s.txt" % name.split()[0])
        if s is None:
            raise SystemExit("%s: %s" % (name, err))
        print("| %s | 14x14x%d | %s | %s |" % (name, cin, fmt(s.params), fmt(s.macs)))
        layers.append(s.text)
        totals.append(s.params)
    print("\nboth heads: %s parameters (engine); with - without (PyTorch): %s"
          % (fmt(sum(totals)), fmt(count_folded(with_aux) - count_folded(without))))
    print("\nEngine rows of aux1 alone:\n")
    for line in layers[0].splitlines():
        print("    " + line)
    # Inference: the network built WITH the aux heads, exported as export.py
    # does (main head only).
    path = os.path.join(args.work, "googlenet-built-with-aux.onnx")
    export(googlenet.Exported(with_aux), (1, 3, 224, 224), path)
    show([args.infer, "--model", path, "--summary"])
    s, err = summary(args, path, log="googlenet-built-with-aux.txt")
    n_aux = sum(1 for n in onnx.load(path).graph.node if "aux" in n.name)
    print("-> total: params=%d macs=%d; ONNX nodes named *aux*: %d" %
          (s.params, s.macs, n_aux))


def section_alexnet(reduced_params):
    print("\n## alexnet: parameters against GoogLeNet\n")
    import torchvision
    tv = torchvision.models.alexnet()
    n_tv = count(tv)
    fc_tv = count(tv.classifier)

    # Krizhevsky et al. 2012 as trained in Caffe (bvlc_alexnet): 96 conv1
    # filters, conv2/4/5 in two groups (the two GPUs).
    caffe = nn.Sequential(
        nn.Conv2d(3, 96, 11, 4), nn.Conv2d(96, 256, 5, padding=2, groups=2),
        nn.Conv2d(256, 384, 3, padding=1), nn.Conv2d(384, 384, 3, padding=1, groups=2),
        nn.Conv2d(384, 256, 3, padding=1, groups=2),
        nn.Linear(256 * 6 * 6, 4096), nn.Linear(4096, 4096), nn.Linear(4096, 1000))
    n_caffe = count(caffe)
    fc_caffe = sum(count(m) for m in caffe if isinstance(m, nn.Linear))
    print("| model | params | in FC layers | / GoogLeNet (%s) |" % fmt(reduced_params))
    print("|---|---:|---:|---:|")
    print("| torchvision alexnet (one-GPU variant) | %s | %s (%.1f%%) | %.2fx |" % (
        fmt(n_tv), fmt(fc_tv), 100.0 * fc_tv / n_tv, n_tv / reduced_params))
    print("| AlexNet as in the paper (Caffe bvlc_alexnet, 2 groups) | %s | %s (%.1f%%) | %.2fx |" % (
        fmt(n_caffe), fmt(fc_caffe), 100.0 * fc_caffe / n_caffe, n_caffe / reduced_params))
    trunk = reduced_params - count(nn.Linear(1024, 1000))
    print("\nAlexNet FC layers / whole GoogLeNet: %.2fx; AlexNet (paper) / "
          "GoogLeNet trunk without its FC (%s): %.2fx; 60 M / 6.8 M (the "
          "papers' round figures): %.2fx" % (fc_caffe / reduced_params, fmt(trunk),
                                            n_caffe / trunk, 60e6 / 6.8e6))


def section_sizes(args):
    print("\n## sizes: any input size\n")
    model = args.model
    labels = os.path.splitext(model)[0] + ".labels"
    fallback = not os.path.exists(model)
    if fallback:
        d = os.path.join(args.work, "nin")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "models",
                                                     "make_model.py"),
                        "--kind", "nin", "--out-dir", d], check=True,
                       capture_output=True)
        model = os.path.join(d, "model.onnx")
        labels = None
        print("(%s not there: the NiN test model instead)" % args.model)
    m = onnx.load(model)
    meta = {p.key: p.value for p in m.metadata_props}
    dims = [d.dim_value or d.dim_param for d in m.graph.input[0].type.tensor_type.shape.dim]
    print("model %s: declared input %s, vkinception.input_size %s, %s" % (
        os.path.relpath(model, ROOT) if model.startswith(ROOT) else model, dims,
        meta.get("vkinception.input_size", "-"),
        "ops " + ",".join(sorted({n.op_type for n in m.graph.node}))))
    print("\nA videotestsrc frame made at each size, classified at that size "
          "(--shape) and resized to the model's declared size (no --shape):\n")
    print("| input HxW | into GAP | params | MACs | pinwheel at HxW | "
          "pinwheel resized | smpte at HxW | smpte resized |")
    print("|---|---|---:|---:|---|---|---|---|")
    for h, w in ((32, 32), (48, 48), (64, 64), (112, 112), (120, 160), (224, 224),
                 (240, 320), (480, 640), (720, 1280)):
        shape = (1, 3, h, w)
        s, err = summary(args, model, shape, log="sizes-%dx%d.txt" % (h, w))
        if s is None:
            print("| %dx%d | error: %s | | | | | | |" % (h, w, err))
            continue
        before = None
        lines = s.text.splitlines()
        for i, ln in enumerate(lines):
            if "GlobalAveragePool" in ln and i > 0:
                before = lines[i - 1].split()[-3]
        tops = []
        for pattern in ("pinwheel", "smpte"):
            png = os.path.join(args.work, "%s-%dx%d.png" % (pattern, w, h))
            subprocess.run(["gst-launch-1.0", "-q", "videotestsrc",
                            "pattern=" + pattern, "num-buffers=1", "!",
                            "video/x-raw,width=%d,height=%d,format=RGB" % (w, h),
                            "!", "pngenc", "!", "filesink", "location=" + png],
                           check=True, capture_output=True)
            argv = ["--model", model, "--image", png, "--shape",
                    "1,3,%d,%d" % (h, w), "--top-k", "1"]
            if labels:
                argv += ["--labels", labels]
            rc, out, e = infer(args, *argv)
            tops.append(out.strip() if rc == 0 else "error: " + e)
            # The same frame resized to the model's declared size (what the
            # element does).
            argv = ["--model", model, "--image", png, "--top-k", "1"]
            if labels:
                argv += ["--labels", labels]
            rc, out, e = infer(args, *argv)
            tops.append(out.strip() if rc == 0 else "error: " + e)
        print("| %dx%d | %s | %s | %s | %s | %s | %s | %s |" % (
            h, w, before, fmt(s.params), fmt(s.macs), tops[0], tops[1],
            tops[2], tops[3]))

    print("\nA fixed head: the BVLC layout (Reshape to 1x1024 after a 7x7 "
          "average pool, then FC) at 256x256:\n")
    d = os.path.join(args.work, "bvlc")
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "models",
                                                 "make_model.py"),
                    "--kind", "bvlc", "--out-dir", d], check=True,
                   capture_output=True)
    raw = os.path.join(args.work, "x256.bin")
    np.random.default_rng(1).uniform(-1, 1, (1, 3, 256, 256)).astype("<f4").tofile(raw)
    for h in (224, 256):
        argv = ["--model", os.path.join(d, "model.onnx"), "--shape",
                "1,3,%d,%d" % (h, h)]
        if h == 256:
            argv += ["--input-raw", raw]
        else:
            argv += ["--summary"]
        show(["vkinception-infer"] + argv)
        rc, out, err = infer(args, *argv)
        print("-> exit %d: %s" % (rc, err if rc else out.strip().splitlines()[-1]))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--infer", default=os.path.join(ROOT, "build", "tools",
                                                   "vkinception-infer"))
    p.add_argument("--work", default="/tmp/seed-measure")
    p.add_argument("--model", default=os.path.join(ROOT, "models",
                                                   "videotestsrc-googlenet.onnx"))
    p.add_argument("--only", action="append",
                   choices=["module", "network", "head", "aux", "alexnet", "sizes"])
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    torch.set_num_threads(1)
    only = set(args.only or ["module", "network", "head", "aux", "alexnet", "sizes"])
    reduced_params = None
    args.naive_same_input = None
    if "module" in only:
        args.naive_same_input = section_module(args)["_naive_same_input"]
    if only & {"network", "head", "alexnet", "aux"}:
        if "network" in only:
            out = section_network(args)
            reduced = out["reduced"][1]
        else:
            path = os.path.join(args.work, "googlenet-reduced.onnx")
            export(googlenet.Exported(build_net()), (1, 3, 224, 224), path)
            reduced, _ = summary(args, path, log="googlenet-reduced.txt")
        reduced_params = reduced.params
        if "head" in only:
            section_head(args, reduced)
        if "aux" in only:
            section_aux(args)
        if "alexnet" in only:
            section_alexnet(reduced_params)
    if "sizes" in only:
        section_sizes(args)


if __name__ == "__main__":
    main()
