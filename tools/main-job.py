#!/usr/bin/python3
"""The main job: classify live videotestsrc output with the bundled model.

Runs one GStreamer pipeline that cycles through several test patterns,
prints every classified frame's top-1 label and score as it goes, writes the
annotated video (overlay drawn by vkinceptionoverlay) to a WebM file and a
PNG contact sheet with one annotated frame per pattern.

    /usr/bin/python3 tools/main-job.py [--out-dir DIR] [--frames N]
        [--model M --labels L] [--patterns a,b,c] [--size WxH]

It expects the plugin in build/plugin (tools/run-main.sh builds it). Exit
status 1 if the pipeline fails or a frame goes unclassified."""
import argparse
import os
import struct
import sys
import zlib

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATTERNS = ["smpte", "ball", "snow", "zone-plate", "pinwheel", "checkers-8",
            "gradient", "colors", "red", "circular"]
SHEET_COLUMNS = 4


def write_png(path, rgb):
    """A minimal PNG writer (8-bit RGB), so no imaging library is needed."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "build", "main-job"))
    ap.add_argument("--frames", type=int, default=12, help="frames per pattern")
    ap.add_argument("--patterns", default=",".join(PATTERNS))
    ap.add_argument("--size", default="640x360")
    ap.add_argument("--model", help="default: the bundled model")
    ap.add_argument("--labels")
    args = ap.parse_args()

    patterns = [p for p in args.patterns.split(",") if p]
    width, height = (int(v) for v in args.size.split("x"))
    os.makedirs(args.out_dir, exist_ok=True)
    video = os.path.join(args.out_dir, "classified.webm")
    sheet = os.path.join(args.out_dir, "contact-sheet.png")

    plugin_dir = os.path.join(ROOT, "build", "plugin")
    if os.path.isdir(plugin_dir):
        os.environ["GST_PLUGIN_PATH"] = plugin_dir + os.pathsep + os.environ.get("GST_PLUGIN_PATH", "")
    Gst.init(None)

    props = ""
    if args.model:
        props += f' model="{args.model}"'
    if args.labels:
        props += f' labels="{args.labels}"'
    pipeline = Gst.parse_launch(
        f"videotestsrc name=src num-buffers={args.frames * len(patterns)} "
        f"! video/x-raw,width={width},height={height},framerate=10/1 "
        f"! vkinception name=classify top-k=3{props} "
        "! videoconvert ! vkinceptionoverlay ! videoconvert ! tee name=t "
        "t. ! queue ! vp8enc deadline=1 ! webmmux "
        f'! filesink location="{video}" '
        "t. ! queue ! videoconvert ! video/x-raw,format=RGB "
        "! appsink name=frames emit-signals=true sync=false")
    src = pipeline.get_by_name("src")
    src.set_property("pattern", patterns[0])

    # The pattern changes every --frames buffers: once the last frame of a
    # pattern leaves the source (its pad's probe), the next one is set, so
    # the switch lands exactly between two frames.
    count = {"out": 0}

    def switch_pattern(pad, info):
        count["out"] += 1
        n = count["out"]
        if n % args.frames == 0 and n // args.frames < len(patterns):
            src.set_property("pattern", patterns[n // args.frames])
        return Gst.PadProbeReturn.OK

    src.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, switch_pattern)

    # The middle frame of each pattern goes on the contact sheet.
    tiles = [None] * len(patterns)
    seen = {"n": 0}

    def on_sample(sink):
        sample = sink.emit("pull-sample")
        n = seen["n"]
        seen["n"] += 1
        if n % args.frames == args.frames // 2:
            buf = sample.get_buffer()
            ok, info = buf.map(Gst.MapFlags.READ)
            if ok:
                s = sample.get_caps().get_structure(0)
                w, h = s.get_value("width"), s.get_value("height")
                stride = len(info.data) // h
                rows = np.frombuffer(info.data, np.uint8).reshape(h, stride)
                tiles[n // args.frames] = rows[:, :w * 3].reshape(h, w, 3).copy()
                buf.unmap(info)
        return Gst.FlowReturn.OK

    pipeline.get_by_name("frames").connect("new-sample", on_sample)

    loop = GLib.MainLoop()
    state = {"classified": 0, "correct": 0, "error": None}

    def on_message(bus, msg):
        if msg.type == Gst.MessageType.ELEMENT and msg.get_structure().get_name() == "vkinception":
            s = msg.get_structure()
            frame = s.get_value("frame")
            expected = patterns[min(frame // args.frames, len(patterns) - 1)]
            label = s.get_value("top-label") if s.has_field("top-label") else "-"
            score = s.get_value("top-score") if s.has_field("top-score") else 0.0
            state["classified"] += 1
            state["correct"] += label == expected
            mark = "ok" if label == expected else "  "
            print(f"frame {frame:3d}  pattern {expected:<11s} top-1 {label:<11s} {score:.3f} {mark}",
                  flush=True)
        elif msg.type == Gst.MessageType.ERROR:
            err, dbg = msg.parse_error()
            state["error"] = f"{err.message} ({dbg})"
            loop.quit()
        elif msg.type == Gst.MessageType.EOS:
            loop.quit()

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    pipeline.set_state(Gst.State.PLAYING)
    loop.run()
    pipeline.set_state(Gst.State.NULL)

    if state["error"]:
        print(f"main-job: {state['error']}", file=sys.stderr)
        return 1
    total = args.frames * len(patterns)
    print(f"classified {state['classified']} of {total} frames; "
          f"top-1 = pattern for {state['correct']}")

    filled = [t for t in tiles if t is not None]
    if filled:
        th, tw, _ = filled[0].shape
        rows = (len(tiles) + SHEET_COLUMNS - 1) // SHEET_COLUMNS
        grid = np.zeros((rows * th, SHEET_COLUMNS * tw, 3), np.uint8)
        for i, t in enumerate(tiles):
            if t is not None:
                r, c = divmod(i, SHEET_COLUMNS)
                grid[r * th:(r + 1) * th, c * tw:(c + 1) * tw] = t
        write_png(sheet, grid)
    print(f"annotated video: {video}")
    print(f"contact sheet:   {sheet}")
    return 0 if state["classified"] == total else 1


if __name__ == "__main__":
    sys.exit(main())
