#!/usr/bin/python3
"""Live accuracy through the vkinception element.

For every pattern x size x format runs

    videotestsrc pattern=P num-buffers=N ! video/x-raw,width=W,height=H,format=F
        ! vkinception model=M labels=L top-k=1 ! fakesink

(python3-gi), reads the element's `vkinception` messages and counts the
frames whose `top-label` is P. Prints a table (percent of frames right per
cell, the mean latency) and exits 1 if any cell is under --min.

    /usr/bin/python3 tools/train/live_accuracy.py \\
        [--model models/videotestsrc-googlenet.onnx] \\
        [--labels models/videotestsrc-googlenet.labels] \\
        [--sizes 320x240,1280x720,500x500] [--formats RGB,I420] [--frames 30]

The plugin is taken from --plugin-path (default build/plugin, prepended to
GST_PLUGIN_PATH). Patterns default to every label of the labels file.
"""

import argparse
import json
import os
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default=os.path.join(ROOT, "models", "videotestsrc-googlenet.onnx"))
    p.add_argument("--labels", help="default: the model's .labels file")
    p.add_argument("--patterns", help="comma-separated (default: every label)")
    p.add_argument("--sizes", default="320x240,1280x720,500x500")
    p.add_argument("--formats", default="RGB,I420")
    p.add_argument("--frames", type=int, default=30, help="frames per pipeline")
    p.add_argument("--element-props", default="",
                   help="extra vkinception properties, e.g. 'input-size=112x112'")
    p.add_argument("--plugin-path", default=os.path.join(ROOT, "build", "plugin"))
    p.add_argument("--min", type=float, default=95.0,
                   help="exit 1 if any cell is below this percentage")
    p.add_argument("--json", help="write the results here")
    args = p.parse_args(argv)

    os.environ["GST_PLUGIN_PATH"] = os.pathsep.join(
        [args.plugin_path] + [d for d in os.environ.get("GST_PLUGIN_PATH", "").split(os.pathsep) if d])
    import gi
    gi.require_version("Gst", "1.0")
    from gi.repository import Gst
    Gst.init(None)
    if Gst.ElementFactory.find("vkinception") is None:
        raise SystemExit("no vkinception element under %s (build it: ninja -C build)"
                         % args.plugin_path)

    labels_path = args.labels or os.path.splitext(args.model)[0] + ".labels"
    with open(labels_path) as f:
        labels = [l.strip() for l in f if l.strip()]
    patterns = args.patterns.split(",") if args.patterns else labels
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    formats = args.formats.split(",")

    results = []
    t0 = time.time()
    for pat in patterns:
        for (w, h) in sizes:
            for fmt in formats:
                desc = ("videotestsrc pattern=%s num-buffers=%d ! "
                        "video/x-raw,width=%d,height=%d,format=%s ! "
                        "vkinception name=cls model=\"%s\" labels=\"%s\" top-k=1 %s ! "
                        "fakesink" % (pat, args.frames, w, h, fmt, args.model,
                                      labels_path, args.element_props))
                pipe = Gst.parse_launch(desc)
                bus = pipe.get_bus()
                pipe.set_state(Gst.State.PLAYING)
                tops, lat, scores, error = [], [], [], None
                while True:
                    msg = bus.timed_pop_filtered(
                        60 * Gst.SECOND,
                        Gst.MessageType.ELEMENT | Gst.MessageType.EOS | Gst.MessageType.ERROR)
                    if msg is None:
                        error = "timeout"
                        break
                    if msg.type == Gst.MessageType.EOS:
                        break
                    if msg.type == Gst.MessageType.ERROR:
                        err, dbg = msg.parse_error()
                        error = "%s (%s)" % (err.message, dbg)
                        break
                    s = msg.get_structure()
                    if s is not None and s.get_name() == "vkinception":
                        tops.append(s.get_value("top-label"))
                        scores.append(s.get_value("top-score"))
                        lat.append(s.get_value("latency-ms"))
                pipe.set_state(Gst.State.NULL)
                right = sum(1 for t in tops if t == pat)
                right_scores = [sc for t, sc in zip(tops, scores) if t == pat]
                wrong = {}
                for t in tops:
                    if t != pat:
                        wrong[t] = wrong.get(t, 0) + 1
                r = dict(pattern=pat, width=w, height=h, format=fmt, frames=len(tops),
                         right=right, percent=100.0 * right / len(tops) if tops else 0.0,
                         wrong=wrong, latency_ms=sum(lat) / len(lat) if lat else None,
                         min_score=min(right_scores) if right_scores else None,
                         error=error)
                results.append(r)
                if error or len(tops) != args.frames:
                    print("%s %dx%d %s: %d messages, error: %s"
                          % (pat, w, h, fmt, len(tops), error), file=sys.stderr)

    cols = [(w, h, f) for (w, h) in sizes for f in formats]
    head = "%-14s" % "pattern" + "".join("%14s" % ("%dx%d %s" % c) for c in cols)
    print(head)
    print("-" * len(head))
    for pat in patterns:
        row = "%-14s" % pat
        for (w, h, f) in cols:
            r = next(r for r in results if r["pattern"] == pat and r["width"] == w
                     and r["height"] == h and r["format"] == f)
            row += "%14s" % ("%.0f%%" % r["percent"] if not r["error"] else "error")
        print(row)
    total = sum(r["frames"] for r in results)
    right = sum(r["right"] for r in results)
    worst = min(results, key=lambda r: r["percent"])
    lats = [r["latency_ms"] for r in results if r["latency_ms"] is not None]
    print("-" * len(head))
    low = min((r for r in results if r["min_score"] is not None),
              key=lambda r: r["min_score"], default=None)
    print("all: %d/%d frames right (%.2f%%); worst cell %s %dx%d %s %.1f%% (%s); "
          "mean latency %.1f ms; %.0f s"
          % (right, total, 100.0 * right / max(total, 1), worst["pattern"], worst["width"],
             worst["height"], worst["format"], worst["percent"], worst["wrong"] or "-",
             sum(lats) / max(len(lats), 1), time.time() - t0))
    if low:
        print("lowest top-score of a right frame: %.4f (%s %dx%d %s)"
              % (low["min_score"], low["pattern"], low["width"], low["height"], low["format"]))
    misses = [r for r in results if r["wrong"]]
    for r in misses:
        print("  %s %dx%d %s: %s" % (r["pattern"], r["width"], r["height"], r["format"],
                                     ", ".join("%s x%d" % kv for kv in sorted(r["wrong"].items()))))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(model=args.model, frames=args.frames, results=results), f, indent=1)
    if any(r["error"] or r["percent"] < args.min for r in results):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
