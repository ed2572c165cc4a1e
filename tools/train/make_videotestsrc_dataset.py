#!/usr/bin/python3
"""Generate an image-folder dataset of GStreamer videotestsrc patterns.

    /usr/bin/python3 tools/train/make_videotestsrc_dataset.py --out /tmp/vts

Every image is REAL videotestsrc output (python3-gi, appsink), pulled at a
random size and aspect ratio (64..1920 wide, plus the common and the
acceptance sizes 320x240, 1280x720, 500x500) in RGB, I420 or NV12, converted
and resized exactly as the vkinception element does it (elementpre.py:
BT.601/BT.709 per the caps' colorimetry, bilinear stretch with pixel
centres aligned, no antialiasing) to the training size, and written as PNG.

Variations, per pattern where the pattern has them: foreground-color /
background-color, ball motion / flip / frame number (0..2399, frames reached
by seeking), horizontal-speed
scrolling, snow and smpte frame numbers. About half of the images are clean
(exactly what the element computes from a default-property frame); the rest
get some of: a crop (a source window 76-100% of the width and height), JPEG
compression of the full frame (quality 30..95), Gaussian noise, a small
gain/offset change.

Writes:
    OUT/train/<label>/*.png    training images
    OUT/val/<label>/*.png      held-out images (independent random draws)
    OUT/check/<label>/*.png    clean frames at default properties at the
                               acceptance sizes x RGB/I420 (frames 0..9)
    OUT/labels.txt             the class order (one label per line)
    OUT/manifest.jsonl         every image's parameters

The same arguments always give the same images (each draw is seeded from
--seed and its index), whatever --jobs is.
"""

import argparse
import io
import json
import os
import sys
import time
from multiprocessing import Pool

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from elementpre import Frame, resize  # noqa: E402

# The default class list: the pattern nicks the model recognises at default
# properties. Left out on purpose: checkers-1/2/4 (after the element's
# resize checkers-N at W x H is nearly the picture of checkers-2N at
# 2W x 2H, so the classes cannot be told apart across resolutions), solid-color (its
# default is white), chroma-zone-plate (its default is the same flat grey as
# zone-plate's), blink (alternates black and white).
PATTERNS = [
    "smpte", "snow", "black", "white", "red", "green", "blue", "checkers-8",
    "circular", "zone-plate", "gamut", "ball", "bar", "pinwheel", "spokes",
    "gradient", "colors", "smpte75", "smpte100", "smpte-rp-219",
]

ACCEPT_SIZES = [(320, 240), (1280, 720), (500, 500)]
COMMON_SIZES = [(160, 120), (176, 144), (352, 288), (640, 480), (640, 360),
                (720, 480), (720, 576), (800, 600), (854, 480), (1024, 768),
                (1280, 1024), (1920, 1080), (1080, 1920), (480, 640)]

FG_BG = {"ball", "bar", "circular", "pinwheel", "spokes", "gradient"}
SCROLL = {"bar", "checkers-8", "circular", "pinwheel", "spokes"}
UNIFORM = {"black", "white", "red", "green", "blue", "zone-plate"}


def parse_size(s):
    w, h = s.lower().split("x")
    return int(w), int(h)


def random_colour_pair(rng):
    """Foreground and background ARGB colours that differ clearly."""
    while True:
        fg = rng.integers(0, 256, 3)
        bg = rng.integers(0, 256, 3)
        lum = lambda c: 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
        if abs(lum(fg) - lum(bg)) > 70:
            argb = lambda c: 0xff000000 | int(c[0]) << 16 | int(c[1]) << 8 | int(c[2])
            return argb(fg), argb(bg)


def draw_size(rng):
    r = rng.random()
    if r < 0.30:
        return ACCEPT_SIZES[rng.integers(len(ACCEPT_SIZES))]
    if r < 0.45:
        return COMMON_SIZES[rng.integers(len(COMMON_SIZES))]
    w = int(round(np.exp(rng.uniform(np.log(64), np.log(1920)))))
    aspect = np.exp(rng.uniform(np.log(0.5), np.log(2.4)))
    h = int(np.clip(round(w / aspect), 36, 1200))
    return w, h


def draw_config(rng, pattern, k):
    """One pipeline: size, format, properties, and k frame numbers."""
    w, h = draw_size(rng)
    fmt = rng.choice(["RGB", "I420", "NV12"], p=[0.45, 0.40, 0.15])
    props = {}
    frames = [0] * k
    if pattern in FG_BG and rng.random() < 0.3:
        props["foreground-color"], props["background-color"] = random_colour_pair(rng)
    if pattern == "ball":
        if rng.random() < 0.4:
            props["motion"] = rng.choice(["sweep", "hsweep"])
        if rng.random() < 0.15:
            props["flip"] = True
        # The first seconds (what a short run shows), or anywhere in the
        # wavy motion (it reaches every edge and corner in time).
        top = 120 if rng.random() < 0.4 else 2400
        frames = rng.choice(top, k, replace=False).tolist()
    elif pattern == "snow":
        frames = rng.choice(300, k, replace=False).tolist()
    elif pattern == "smpte":
        frames = rng.choice(60, k, replace=False).tolist()
    if pattern in SCROLL and rng.random() < 0.15:
        props["horizontal-speed"] = int(rng.integers(-20, 21))
        frames = rng.choice(60, k, replace=False).tolist()
    return dict(pattern=pattern, width=int(w), height=int(h), format=str(fmt),
                props={k_: (v.item() if hasattr(v, "item") else v)
                       for k_, v in props.items()},
                frames=[int(f) for f in frames])


def jpeg(rgb, quality):
    from PIL import Image
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=int(quality))
    buf.seek(0)
    return np.asarray(Image.open(buf).convert("RGB"))


def augment(rng, frame, out_w, out_h, clean):
    """frame (elementpre.Frame) -> uint8 out_h x out_w x 3, what was done
    to it, and the picture's value range before gain and noise."""
    info = {}
    window = None
    if not clean:
        if rng.random() < 0.5:
            fx = rng.uniform(0.76, 1.0)
            fy = rng.uniform(0.76, 1.0)
            cw, ch = frame.width * fx, frame.height * fy
            window = (rng.uniform(0, frame.width - cw),
                      rng.uniform(0, frame.height - ch), cw, ch)
            info["crop"] = [round(v, 1) for v in window]
        if rng.random() < 0.35:
            q = int(rng.integers(30, 96))
            rgb = np.clip(np.rint(frame.to_rgb()), 0, 255).astype(np.uint8)
            frame = Frame("RGB", frame.width, frame.height, [jpeg(rgb, q)])
            info["jpeg"] = q
    out = resize(frame, out_w, out_h, window)
    span = float(out.max() - out.min())
    if not clean:
        if rng.random() < 0.25:
            gain, off = rng.uniform(0.9, 1.1), rng.uniform(-10, 10)
            out = out * gain + off
            info["gain"] = [round(gain, 3), round(off, 1)]
        if rng.random() < 0.35:
            sigma = rng.uniform(2, 10)
            out = out + rng.normal(0, sigma, out.shape)
            info["noise"] = round(sigma, 2)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8), info, span


def work(job):
    """Generate the images of one pipeline; returns manifest rows."""
    from vtsrc import grab
    from PIL import Image

    (split, index, pattern, k, seed, out_dir, out_w, out_h, clean_p) = job
    rng = np.random.default_rng([seed, {"train": 0, "val": 1}[split], index])
    cfg = draw_config(rng, pattern, k)
    frames = grab(pattern, cfg["width"], cfg["height"], cfg["format"],
                  cfg["props"], sorted(set(cfg["frames"])))
    by_num = dict(zip(sorted(set(cfg["frames"])), frames))
    rows = []
    for j, fnum in enumerate(cfg["frames"]):
        for attempt in range(4):
            clean = attempt == 3 or rng.random() < clean_p
            img, info, span = augment(rng, by_num[fnum], out_w, out_h, clean)
            # A crop must not take away what makes the pattern (the ball,
            # the bar): a non-uniform pattern must stay non-uniform.
            if pattern in UNIFORM or span > 60:
                break
        name = "%s_%05d_%d.png" % (pattern, index, j)
        path = os.path.join(out_dir, split, pattern, name)
        Image.fromarray(img).save(path, compress_level=1)
        rows.append(dict(split=split, file=os.path.relpath(path, out_dir),
                         frame=fnum, clean=not info, **{k_: v for k_, v in cfg.items() if k_ != "frames"},
                         aug=info))
    return rows


def check_job(job):
    """Clean default frames at the acceptance sizes and formats."""
    from vtsrc import grab
    from PIL import Image

    pattern, w, h, fmt, out_dir, out_w, out_h = job
    rows = []
    for n, frame in enumerate(grab(pattern, w, h, fmt, {}, range(10))):
        img = np.clip(np.rint(resize(frame, out_w, out_h)), 0, 255).astype(np.uint8)
        name = "%s_%dx%d_%s_%d.png" % (pattern, w, h, fmt, n)
        path = os.path.join(out_dir, "check", pattern, name)
        Image.fromarray(img).save(path, compress_level=1)
        rows.append(dict(split="check", file=os.path.relpath(path, out_dir),
                         pattern=pattern, width=w, height=h, format=fmt,
                         frame=n, props={}, clean=True, aug={}))
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="output folder (not in the source tree)")
    p.add_argument("--size", default="112x112", help="image size WxH (the network input)")
    p.add_argument("--train-per-class", type=int, default=720)
    p.add_argument("--val-per-class", type=int, default=150)
    p.add_argument("--per-pipeline", type=int, default=3,
                   help="images drawn from each pipeline (frames or augmentations)")
    p.add_argument("--clean", type=float, default=0.45,
                   help="fraction of images without augmentation")
    p.add_argument("--patterns", default=",".join(PATTERNS),
                   help="comma-separated videotestsrc pattern nicks")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = p.parse_args(argv)

    out_w, out_h = parse_size(args.size)
    patterns = [s.strip() for s in args.patterns.split(",") if s.strip()]
    out = os.path.abspath(args.out)
    for split in ("train", "val", "check"):
        for pt in patterns:
            os.makedirs(os.path.join(out, split, pt), exist_ok=True)
    with open(os.path.join(out, "labels.txt"), "w") as f:
        f.write("\n".join(patterns) + "\n")

    k = args.per_pipeline
    jobs = []
    for split, per_class in (("train", args.train_per_class), ("val", args.val_per_class)):
        for ci, pt in enumerate(patterns):
            n_pipes = -(-per_class // k)
            for i in range(n_pipes):
                kk = min(k, per_class - i * k)
                jobs.append((split, ci * 100000 + i, pt, kk, args.seed, out,
                             out_w, out_h, args.clean))
    checks = [(pt, w, h, fmt, out, out_w, out_h) for pt in patterns
              for (w, h) in ACCEPT_SIZES for fmt in ("RGB", "I420")]

    t0 = time.time()
    rows = []
    with Pool(args.jobs) as pool:
        for i, r in enumerate(pool.imap(work, jobs, chunksize=8)):
            rows.extend(r)
            if (i + 1) % 500 == 0:
                print("%d/%d pipelines, %.0f s" % (i + 1, len(jobs), time.time() - t0),
                      flush=True)
        for r in pool.imap(check_job, checks):
            rows.extend(r)
    with open(os.path.join(out, "manifest.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps(r, sort_keys=True) + "\n")
    counts = {s: sum(1 for r in rows if r["split"] == s) for s in ("train", "val", "check")}
    print("wrote %s: %d classes, %d train, %d val, %d check images in %.0f s"
          % (out, len(patterns), counts["train"], counts["val"], counts["check"],
             time.time() - t0))


if __name__ == "__main__":
    main()
