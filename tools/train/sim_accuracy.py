#!/usr/bin/python3
"""Accuracy on real videotestsrc frames at default properties, with the
element's preprocessing emulated in numpy (elementpre.py) and the network
run by PyTorch: the live test without the element, fast enough to sweep
many sizes and frames.

    /usr/bin/python3 tools/train/sim_accuracy.py RUN/model.pt \\
        [--sizes 320x240,1280x720,500x500] [--formats RGB,I420] \\
        [--frames 0-29] [--patterns ball,snow] [--random-sizes 50]

--frames takes a range (0-299) or a list (0,100,247). --random-sizes N
adds N seeded random sizes (48..1920 wide, aspect 0.4..2.5). Prints the
cells under 100%, the lowest probability of the right class, and the
totals; exits 1 if any cell is under --min percent.
"""

import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from elementpre import normalise, resize  # noqa: E402
from export import load_main  # noqa: E402
from vtsrc import grab  # noqa: E402


def parse_frames(s):
    out = []
    for part in s.split(","):
        if "-" in part:
            a, b = part.split("-")
            out += list(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint")
    p.add_argument("--patterns", help="default: every label")
    p.add_argument("--sizes", default="320x240,1280x720,500x500")
    p.add_argument("--random-sizes", type=int, default=0)
    p.add_argument("--formats", default="RGB,I420")
    p.add_argument("--frames", default="0-29")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--min", type=float, default=95.0)
    args = p.parse_args(argv)

    torch.set_num_threads(os.cpu_count() or 1)
    ck, model = load_main(args.checkpoint)
    labels = ck["labels"]
    w_in, h_in = ck["input_size"]
    patterns = args.patterns.split(",") if args.patterns else labels
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",") if s]
    rng = np.random.default_rng(args.seed)
    for _ in range(args.random_sizes):
        w = int(round(np.exp(rng.uniform(np.log(48), np.log(1920)))))
        h = int(np.clip(round(w / np.exp(rng.uniform(np.log(0.4), np.log(2.5)))), 32, 1440))
        sizes.append((w, h))
    frames = sorted(set(parse_frames(args.frames)))
    formats = args.formats.split(",")

    total = right = 0
    worst_score = (2.0, None)
    bad = []
    for pat in patterns:
        ci = labels.index(pat)
        for (w, h) in sizes:
            for fmt in formats:
                prob = []
                for c in range(0, len(frames), 64):   # bounded memory
                    fr = grab(pat, w, h, fmt, {}, frames[c:c + 64])
                    x = np.stack([normalise(resize(f, w_in, h_in), ck["mean"], ck["std"])
                                  for f in fr])
                    del fr
                    with torch.no_grad():
                        prob.append(model(torch.from_numpy(x)).numpy())
                prob = np.concatenate(prob)
                top = prob.argmax(1)
                ok = top == ci
                total += len(ok)
                right += int(ok.sum())
                if ok.any():
                    s = float(prob[ok, ci].min())
                    if s < worst_score[0]:
                        worst_score = (s, "%s %dx%d %s" % (pat, w, h, fmt))
                if not ok.all():
                    wrong = {}
                    for f, t in zip(frames, top):
                        if t != ci:
                            wrong.setdefault(labels[t], []).append(f)
                    pct = 100.0 * ok.mean()
                    bad.append(pct)
                    print("%-12s %4dx%-4d %-4s %5.1f%%  %s" % (
                        pat, w, h, fmt, pct,
                        "; ".join("%s at frames %s" % (k, v[:8]) for k, v in wrong.items())),
                        flush=True)
    print("%d/%d right (%.3f%%) over %d patterns x %d sizes x %d formats x %d frames; "
          "lowest right-class probability %.4f (%s)"
          % (right, total, 100.0 * right / total, len(patterns), len(sizes), len(formats),
             len(frames), worst_score[0], worst_score[1]))
    return 1 if any(b < args.min for b in bad) else 0


if __name__ == "__main__":
    sys.exit(main())
