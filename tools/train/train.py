#!/usr/bin/python3
"""Train a GoogLeNet (with the paper's two auxiliary classifiers) on an image
folder, on the CPU.

    /usr/bin/python3 tools/train/train.py --data DIR/train --val-dir DIR/val \\
        --labels DIR/labels.txt --out RUN [--width 0.25] [--input-size 112x112]

DIR has one sub-folder per class. Without --val-dir, --val-fraction of each
class is held out (seeded). Every epoch prints the held-out accuracy of the
main head and of each auxiliary head, and RUN/log.json records per epoch
the training losses (total, main, aux1, aux2) and the held-out loss and
accuracy per head. RUN/model.pt is the final checkpoint (weights, model
configuration, labels, preprocessing); export.py turns it into ONNX.

Total loss = main + 0.3 x (aux1 + aux2), as in the paper (--aux-weight).
--no-aux trains without the auxiliary heads; --naive uses the naive
inception module (no 1x1 reductions).

Fine-tuning: --init CHECKPOINT starts from another run's weights; heads
whose class count differs are re-initialised, so a model trained on one set
of classes can be fine-tuned on a folder with others (--freeze-features
then trains only the classifiers).

Reproducible: the same arguments (and --threads) give the same weights.
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import googlenet  # noqa: E402
import imagefolder  # noqa: E402


def parse_size(s):
    w, h = s.lower().split("x")
    return int(w), int(h)


def parse_triple(s):
    v = [float(t) for t in s.split(",")]
    if len(v) != 3:
        raise argparse.ArgumentTypeError("need three comma-separated numbers")
    return v


def split_items(items, fraction, seed):
    """Stratified, seeded hold-out split."""
    rng = np.random.default_rng(seed)
    train, val = [], []
    by_class = {}
    for it in items:
        by_class.setdefault(it[1], []).append(it)
    for c in sorted(by_class):
        lst = by_class[c]
        order = rng.permutation(len(lst))
        n_val = int(round(len(lst) * fraction))
        val += [lst[i] for i in order[:n_val]]
        train += [lst[i] for i in order[n_val:]]
    return train, val


class Batches:
    """Normalised float batches from the uint8 cache, with optional random
    crop-and-resize (bilinear, pixel centres aligned, as the element) and
    horizontal flip."""

    def __init__(self, x, y, mean, std, batch, shuffle, rng, augment=False,
                 hflip=False):
        self.x, self.y = torch.from_numpy(x), torch.from_numpy(y)
        self.mean = torch.tensor(mean).view(1, 3, 1, 1)
        self.std = torch.tensor(std).view(1, 3, 1, 1)
        self.batch, self.shuffle, self.rng = batch, shuffle, rng
        self.augment, self.hflip = augment, hflip

    def __len__(self):
        return -(-len(self.y) // self.batch)

    def _augment(self, xb):
        n, _, h, w = xb.shape
        out = torch.empty_like(xb)
        for i in range(n):
            s = self.rng.uniform(0.8, 1.0, 2)
            ch, cw = max(1, int(h * s[0])), max(1, int(w * s[1]))
            y0 = int(self.rng.integers(0, h - ch + 1))
            x0 = int(self.rng.integers(0, w - cw + 1))
            crop = xb[i:i + 1, :, y0:y0 + ch, x0:x0 + cw]
            out[i] = F.interpolate(crop, size=(h, w), mode="bilinear",
                                   align_corners=False)[0]
            if self.hflip and self.rng.random() < 0.5:
                out[i] = out[i].flip(-1)
        return out

    def __iter__(self):
        n = len(self.y)
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        for s in range(0, n, self.batch):
            idx = torch.from_numpy(order[s:s + self.batch])
            xb = self.x[idx].float()
            if self.augment:
                xb = self._augment(xb)
            yield (xb - self.mean) / self.std, self.y[idx]


def evaluate(model, batches, with_aux):
    """Per head: (mean cross-entropy, accuracy)."""
    model.eval()
    heads = 3 if with_aux else 1
    loss = [0.0] * heads
    correct = [0] * heads
    n = 0
    with torch.no_grad():
        for xb, yb in batches:
            outs = model(xb, with_aux=True) if with_aux else (model(xb),)
            for h, o in enumerate(outs):
                loss[h] += F.cross_entropy(o, yb, reduction="sum").item()
                correct[h] += (o.argmax(1) == yb).sum().item()
            n += len(yb)
    return [(loss[h] / max(n, 1), correct[h] / max(n, 1)) for h in range(heads)]


def confusions(model, batches, labels, top=8):
    model.eval()
    pairs = {}
    with torch.no_grad():
        for xb, yb in batches:
            pred = model(xb).argmax(1)
            for t, p in zip(yb.tolist(), pred.tolist()):
                if t != p:
                    pairs[(labels[t], labels[p])] = pairs.get((labels[t], labels[p]), 0) + 1
    return sorted(pairs.items(), key=lambda kv: -kv[1])[:top]


def load_init(model, path):
    """Copies every tensor of a checkpoint whose name and shape match."""
    ck = torch.load(path, map_location="cpu")
    own = model.state_dict()
    kept, skipped = 0, []
    for k, v in ck["state_dict"].items():
        if k in own and own[k].shape == v.shape:
            own[k] = v
            kept += 1
        else:
            skipped.append(k)
    model.load_state_dict(own)
    print("init from %s: %d tensors copied, %d re-initialised (%s)"
          % (path, kept, len(skipped), ", ".join(skipped[:6])
             + (" ..." if len(skipped) > 6 else "")))
    return ck


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="image folder, one sub-folder per class")
    p.add_argument("--val-dir", help="held-out image folder (same class sub-folders)")
    p.add_argument("--val-fraction", type=float, default=0.15,
                   help="without --val-dir: fraction of each class held out")
    p.add_argument("--check-dir", action="append", default=[],
                   help="extra folder(s) evaluated each epoch and logged (main head)")
    p.add_argument("--labels", help="file with the class order, one label per line "
                   "(default: the sorted sub-folder names)")
    p.add_argument("--out", required=True, help="run folder: model.pt, log.json")
    p.add_argument("--input-size", default="112x112", help="network input WxH")
    p.add_argument("--width", type=float, default=1.0, help="channel multiplier")
    p.add_argument("--naive", action="store_true", help="naive inception modules")
    p.add_argument("--no-aux", action="store_true", help="no auxiliary classifiers")
    p.add_argument("--aux-weight", type=float, default=0.3)
    p.add_argument("--lrn", action="store_true", help="LRN after pool1 and conv2")
    p.add_argument("--no-bn", action="store_true", help="no batch normalisation")
    p.add_argument("--mean", type=parse_triple, default=[127.5] * 3,
                   help="R,G,B subtracted from 0..255 pixels (default 127.5 each)")
    p.add_argument("--std", type=parse_triple, default=[127.5] * 3,
                   help="R,G,B divisors after the mean (default 127.5 each)")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.05, help="peak learning rate (SGD)")
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--weight-decay", type=float, default=2e-4)
    p.add_argument("--warmup", type=float, default=1.0, help="warm-up epochs")
    p.add_argument("--augment", action="store_true",
                   help="random crops (80-100%% a side) at training time")
    p.add_argument("--hflip", action="store_true", help="with --augment: random flips")
    p.add_argument("--init", help="checkpoint to start from (fine-tuning)")
    p.add_argument("--freeze-features", action="store_true",
                   help="with --init: train only the classifier layers")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True, warn_only=True)
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.out, exist_ok=True)
    in_w, in_h = parse_size(args.input_size)

    if args.labels:
        with open(args.labels) as f:
            labels = [l.strip() for l in f if l.strip()]
    else:
        labels = imagefolder.class_names(args.data)
    items = imagefolder.list_images(args.data, labels)
    if args.val_dir:
        train_items = items
        val_items = imagefolder.list_images(args.val_dir, labels)
    else:
        train_items, val_items = split_items(items, args.val_fraction, args.seed)
    if not train_items or not val_items:
        raise SystemExit("no training or no held-out images")

    t0 = time.time()
    xtr, ytr = imagefolder.load(train_items, in_w, in_h)
    xva, yva = imagefolder.load(val_items, in_w, in_h)
    checks = []
    for d in args.check_dir:
        xc, yc = imagefolder.load(imagefolder.list_images(d, labels), in_w, in_h)
        checks.append((d, Batches(xc, yc, args.mean, args.std, 256, False, rng)))
    print("%d classes; %d training, %d held-out images at %dx%d (loaded in %.0f s)"
          % (len(labels), len(ytr), len(yva), in_w, in_h, time.time() - t0), flush=True)

    config = dict(num_classes=len(labels), width=args.width, naive=args.naive,
                  lrn=args.lrn, bn=not args.no_bn, aux=not args.no_aux,
                  input_size=[in_w, in_h])
    model = googlenet.build(config)
    if args.init:
        load_init(model, args.init)
    with_aux = not args.no_aux
    n_params = sum(p.numel() for p in model.parameters())
    n_main = n_params - sum(p.numel() for m in (model.aux1, model.aux2) if m is not None
                            for p in m.parameters())
    print("model: width %g, %s modules, aux %s, LRN %s, BN %s; %d parameters "
          "(%d without the auxiliary heads)"
          % (args.width, "naive" if args.naive else "reduced", with_aux, args.lrn,
             not args.no_bn, n_params, n_main), flush=True)

    params = model.parameters()
    if args.freeze_features:
        heads = [model.fc] + [m for m in (model.aux1, model.aux2) if m is not None]
        for prm in model.parameters():
            prm.requires_grad = False
        params = [prm for h in heads for prm in h.parameters()]
        for prm in params:
            prm.requires_grad = True
    # No weight decay on biases and BatchNorm parameters.
    params = [prm for prm in params if prm.requires_grad]
    decay = [prm for prm in params if prm.dim() > 1]
    no_decay = [prm for prm in params if prm.dim() <= 1]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": args.weight_decay},
                           {"params": no_decay, "weight_decay": 0.0}],
                          lr=args.lr, momentum=args.momentum, nesterov=True)

    train_b = Batches(xtr, ytr, args.mean, args.std, args.batch_size, True, rng,
                      args.augment, args.hflip)
    val_b = Batches(xva, yva, args.mean, args.std, 256, False, rng)
    steps = args.epochs * len(train_b)
    warm = max(1, int(args.warmup * len(train_b)))

    def lr_at(step):
        if step < warm:
            return args.lr * (step + 1) / warm
        return 0.5 * args.lr * (1 + math.cos(math.pi * (step - warm) / max(1, steps - warm)))

    head_names = ["main", "aux1", "aux2"] if with_aux else ["main"]
    log = dict(args=vars(args), labels=labels, config=config, parameters=n_params,
               parameters_exported=n_main, train_images=len(ytr), val_images=len(yva),
               epochs=[])
    step = 0
    t_start = time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        if args.freeze_features:
            model.eval()       # keep the BatchNorm statistics
            model.fc.train()
        sums = np.zeros(4)
        seen = 0
        t_ep = time.time()
        for xb, yb in train_b:
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            if with_aux:
                out, a1, a2 = model(xb, with_aux=True)
                lm = F.cross_entropy(out, yb)
                l1 = F.cross_entropy(a1, yb)
                l2 = F.cross_entropy(a2, yb)
                loss = lm + args.aux_weight * (l1 + l2)
                parts = [loss.item(), lm.item(), l1.item(), l2.item()]
            else:
                lm = F.cross_entropy(model(xb), yb)
                loss = lm
                parts = [lm.item(), lm.item(), 0.0, 0.0]
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sums += np.array(parts) * len(yb)
            seen += len(yb)
            step += 1
        train_time = time.time() - t_ep
        sums /= seen
        val = evaluate(model, val_b, with_aux)
        entry = dict(epoch=epoch, lr=lr_at(step - 1), seconds=round(train_time, 1),
                     train_loss=round(sums[0], 5), train_loss_main=round(sums[1], 5))
        if with_aux:
            entry.update(train_loss_aux1=round(sums[2], 5), train_loss_aux2=round(sums[3], 5))
        for name, (vl, va) in zip(head_names, val):
            entry["val_loss_" + name] = round(vl, 5)
            entry["val_acc_" + name] = round(va, 5)
        msg = "epoch %2d  %5.1fs  train loss %.4f (main %.4f%s)  held-out acc: %s" % (
            epoch, train_time, sums[0], sums[1],
            ", aux1 %.4f, aux2 %.4f" % (sums[2], sums[3]) if with_aux else "",
            "  ".join("%s %.2f%%" % (n, 100 * a) for n, (_, a) in zip(head_names, val)))
        for d, cb in checks:
            (cl, ca), = evaluate(model, cb, False)
            entry.setdefault("check_acc", {})[d] = round(ca, 5)
            msg += "  check %.2f%%" % (100 * ca)
        print(msg, flush=True)
        log["epochs"].append(entry)
        with open(os.path.join(args.out, "log.json"), "w") as f:
            json.dump(log, f, indent=1)

    log["train_seconds"] = round(time.time() - t_start, 1)
    log["confusions"] = [[t, p_, n] for (t, p_), n in confusions(model, val_b, labels)]
    with open(os.path.join(args.out, "log.json"), "w") as f:
        json.dump(log, f, indent=1)
    torch.save(dict(state_dict=model.state_dict(), config=config, labels=labels,
                    mean=args.mean, std=args.std, input_size=[in_w, in_h]),
               os.path.join(args.out, "model.pt"))
    print("trained in %.0f s; held-out confusions (true -> predicted): %s"
          % (log["train_seconds"], log["confusions"] or "none"))
    print("wrote %s" % os.path.join(args.out, "model.pt"))


if __name__ == "__main__":
    main()
