#!/usr/bin/python3
"""classify-messages: run a vkinception pipeline from Python (PyGObject) and
print the element messages it posts on the bus.

    classify-messages.py MODEL.onnx [--labels LABELS.txt] [--frames N]
                         [--pipeline DESCRIPTION]

The default pipeline is

    videotestsrc num-buffers=N ! videoconvert ! vkinception name=classifier
        ! fakesink

--pipeline replaces it; the model and labels are set on its element named
'classifier', if it has one (otherwise give them in the description). For
each 'vkinception' message it prints

    frame 0: class-3 0.5123 [class-3, class-7, class-1, class-0, class-9]

that is the frame number, the fields top-label and top-score, and the whole
'labels' array. Exits with status 1 on a pipeline error or when no message
came.

Needs only Debian's python3-gi and gir1.2-gstreamer-1.0, hence
/usr/bin/python3 (another python3 first in PATH may lack them). Without
python3-gst-1.0 (GStreamer's PyGObject overrides), Gst.Structure.get_value()
cannot convert the GstValueArray fields ('labels', 'class-ids', 'scores');
Gst.Structure.get_array() can. The scalar fields 'top-label', 'top-class-id'
and 'top-score' read with any binding.

Run from a build tree with GST_PLUGIN_PATH=build/plugin.
"""

import argparse
import sys
import warnings

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

# GObject.ValueArray (what get_array() returns) is deprecated in GLib, and
# PyGObject says so on every get_nth(); it is still the only way without the
# overrides.
warnings.filterwarnings("ignore", category=DeprecationWarning)


def array_field(structure, name):
    """A GstValueArray field as a Python list (empty if absent)."""
    ok, array = structure.get_array(name)
    if not ok:
        return []
    return [array.get_nth(i) for i in range(array.n_values)]


def describe(structure):
    """One line for a 'vkinception' message structure."""
    frame = structure.get_uint64("frame")[1]
    labels = array_field(structure, "labels")
    if structure.has_field("top-label"):
        top = "%s %.4f" % (structure.get_string("top-label"),
                           structure.get_double("top-score")[1])
    else:
        # No class reached the threshold: the arrays are empty and the top-*
        # fields absent.
        top = "(none above the threshold)"
    return "frame %d: %s [%s]" % (frame, top, ", ".join(labels))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="ONNX model file")
    parser.add_argument("--labels", help="labels file, one per line")
    parser.add_argument("--frames", type=int, default=10,
                        help="frames of videotestsrc (default 10)")
    parser.add_argument("--pipeline", help="gst-launch style description")
    args = parser.parse_args()

    Gst.init(None)
    description = args.pipeline or (
        "videotestsrc num-buffers=%d ! videoconvert ! "
        "vkinception name=classifier ! fakesink" % args.frames)
    try:
        pipeline = Gst.parse_launch(description)
    except GLib.Error as e:
        print("%s (is GST_PLUGIN_PATH set?)" % e.message, file=sys.stderr)
        return 1
    classifier = pipeline.get_by_name("classifier")
    if classifier is not None:
        classifier.set_property("model", args.model)
        if args.labels:
            classifier.set_property("labels", args.labels)

    bus = pipeline.get_bus()
    seen = 0
    failed = False
    pipeline.set_state(Gst.State.PLAYING)
    # A plain loop over the bus is enough for a script; an application with
    # a GLib main loop uses bus.add_signal_watch() and the "message::element"
    # signal instead (see docs/embedding.md).
    while True:
        msg = bus.timed_pop_filtered(
            Gst.CLOCK_TIME_NONE,
            Gst.MessageType.ELEMENT | Gst.MessageType.ERROR
            | Gst.MessageType.EOS)
        if msg.type == Gst.MessageType.ELEMENT:
            structure = msg.get_structure()
            if structure is not None and structure.get_name() == "vkinception":
                print(describe(structure), flush=True)
                seen += 1
        elif msg.type == Gst.MessageType.ERROR:
            error, debug = msg.parse_error()
            print("error from %s: %s\n%s" % (msg.src.get_name(),
                                              error.message, debug or ""),
                  file=sys.stderr)
            failed = True
            break
        else:
            break
    pipeline.set_state(Gst.State.NULL)

    if failed:
        return 1
    if seen == 0:
        print("no vkinception message was posted", file=sys.stderr)
        return 1
    print("%d vkinception messages" % seen)
    return 0


if __name__ == "__main__":
    sys.exit(main())
