#!/usr/bin/python3
"""Plot train.py logs side by side: training loss of the main head and
held-out error (100 - accuracy, log scale; no errors plots at half an
image) per epoch, for each run and head.
Draws with PIL only (no matplotlib).

    /usr/bin/python3 tools/train/plot_runs.py --out docs/aux-vs-no-aux.png \\
        "with aux=RUN_A/log.json" "without aux=RUN_B/log.json"
"""

import argparse
import json
import math

from PIL import Image, ImageDraw, ImageFont

COLOURS = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189),
           (255, 127, 14), (23, 190, 207)]
DASHES = {"main": None, "aux1": (6, 4), "aux2": (2, 3)}


def font(size):
    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            pass
    return ImageFont.load_default()


def dashed(draw, pts, colour, dash, width=2):
    if dash is None:
        draw.line(pts, fill=colour, width=width)
        return
    on, off = dash
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        length = math.hypot(x1 - x0, y1 - y0)
        t = 0.0
        while t < length:
            t1 = min(t + on, length)
            draw.line([(x0 + (x1 - x0) * t / length, y0 + (y1 - y0) * t / length),
                       (x0 + (x1 - x0) * t1 / length, y0 + (y1 - y0) * t1 / length)],
                      fill=colour, width=width)
            t = t1 + off


class Panel:
    def __init__(self, draw, box, title, xmax, ymin, ymax, log, ylabel):
        self.d, self.box = draw, box
        self.xmax, self.ymin, self.ymax, self.log = xmax, ymin, ymax, log
        x0, y0, x1, y1 = box
        f = font(13)
        draw.rectangle(box, outline=(0, 0, 0))
        draw.text(((x0 + x1) / 2, y0 - 20), title, fill=(0, 0, 0), font=font(14), anchor="mm")
        draw.text((x0 - 8, y0 - 8), ylabel, fill=(0, 0, 0), font=f, anchor="rs")
        draw.text(((x0 + x1) / 2, y1 + 30), "epoch", fill=(0, 0, 0), font=f, anchor="mm")
        step = max(1, xmax // 10)
        for e in range(0, xmax + 1, step):
            x = self.px(e, ymin)[0]
            draw.line([(x, y1), (x, y1 + 4)], fill=(0, 0, 0))
            draw.text((x, y1 + 14), str(e), fill=(0, 0, 0), font=f, anchor="mm")
        for v in self.yticks():
            y = self.px(0, v)[1]
            draw.line([(x0, y), (x1, y)], fill=(225, 225, 225))
            draw.line([(x0 - 4, y), (x0, y)], fill=(0, 0, 0))
            draw.text((x0 - 7, y), ("%g" % v), fill=(0, 0, 0), font=f, anchor="rm")

    def yticks(self):
        if self.log:
            out = []
            e = math.floor(math.log10(self.ymin))
            while 10 ** e <= self.ymax * 1.0001:
                for m in (1, 2, 5):
                    v = m * 10 ** e
                    if self.ymin <= v <= self.ymax:
                        out.append(round(v, 6))
                e += 1
            return out
        n = 5
        return [self.ymin + (self.ymax - self.ymin) * i / n for i in range(n + 1)]

    def px(self, x, y):
        x0, y0, x1, y1 = self.box
        fx = x / self.xmax
        if self.log:
            y = min(max(y, self.ymin), self.ymax)
            fy = (math.log(y) - math.log(self.ymin)) / (math.log(self.ymax) - math.log(self.ymin))
        else:
            fy = (y - self.ymin) / (self.ymax - self.ymin)
        return (x0 + fx * (x1 - x0), y1 - fy * (y1 - y0))

    def series(self, xs, ys, colour, dash):
        pts = [self.px(x, y) for x, y in zip(xs, ys)]
        if len(pts) > 1:
            dashed(self.d, pts, colour, dash)
        for x, y in pts:
            self.d.ellipse([x - 2, y - 2, x + 2, y + 2], fill=colour)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("runs", nargs="+", help="NAME=log.json")
    p.add_argument("--out", required=True)
    p.add_argument("--main-only", action="store_true",
                   help="held-out error of the main heads only")
    args = p.parse_args(argv)

    runs = []
    for spec in args.runs:
        name, path = spec.split("=", 1)
        with open(path) as f:
            runs.append((name, json.load(f)))

    xmax = max(len(r["epochs"]) for _, r in runs)
    losses = [e["train_loss_main"] for _, r in runs for e in r["epochs"]]
    heads = ("main",) if args.main_only else ("main", "aux1", "aux2")
    errs = [100 * (1 - e["val_acc_" + h]) for _, r in runs for e in r["epochs"]
            for h in heads if "val_acc_" + h in e]
    # One held-out image is the resolution; 0 errors plot at half of it.
    floor = 50.0 / max(r.get("val_images", 1000) for _, r in runs)
    errs = [max(e, floor) for e in errs]
    W, H = 1000, 420
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    left = Panel(d, (80, 40, 470, 330), "training loss, main head", xmax,
                 max(min(losses), 1e-3) * 0.8, max(losses) * 1.2, True, "loss")
    right = Panel(d, (590, 40, 980, 330),
                  "held-out error, main head" if args.main_only else "held-out error, per head", xmax,
                  min(errs) * 0.8, min(100, max(errs) * 1.2), True, "error %")
    legend = []
    for i, (name, r) in enumerate(runs):
        c = COLOURS[i % len(COLOURS)]
        ep = [e["epoch"] for e in r["epochs"]]
        left.series(ep, [e["train_loss_main"] for e in r["epochs"]], c, None)
        legend.append((name + ": main", c, None))
        for head in heads:
            k = "val_acc_" + head
            if k in r["epochs"][0]:
                right.series(ep, [max(100 * (1 - e[k]), floor) for e in r["epochs"]],
                             c, DASHES[head])
                if head != "main":
                    legend.append((name + ": " + head, c, DASHES[head]))
    f = font(13)
    x, y = 80, 375
    for text, c, dash in legend:
        dashed(d, [(x, y), (x + 30, y)], c, dash)
        d.text((x + 36, y), text, fill=(0, 0, 0), font=f, anchor="lm")
        x += 60 + d.textlength(text, font=f)
        if x > W - 200:
            x, y = 80, y + 22
    img.save(args.out, optimize=True)
    print("wrote %s" % args.out)


if __name__ == "__main__":
    main()
