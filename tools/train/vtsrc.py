"""Real videotestsrc frames through python3-gi (appsink), as the
vkinception element would receive them.

    frames = grab("ball", 320, 240, "I420", {"motion": "sweep"}, [0, 17, 30])

returns elementpre.Frame objects (planes as GStreamer lays them out, with
the caps' colorimetry) for the requested frame numbers.
"""

import numpy as np
import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstVideo", "1.0")
gi.require_version("GstApp", "1.0")
from gi.repository import Gst, GstVideo, GstApp  # noqa: E402,F401

from elementpre import Frame  # noqa: E402

Gst.init(None)

# Planes per format.
_PLANES = {"I420": 3, "NV12": 2, "RGB": 1}


def _prop(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _to_frame(sample):
    caps = sample.get_caps()
    info = GstVideo.VideoInfo.new_from_caps(caps)
    fmt = GstVideo.VideoFormat.to_string(info.finfo.format)
    w, h = info.width, info.height
    buf = sample.get_buffer()
    ok, m = buf.map(Gst.MapFlags.READ)
    if not ok:
        raise RuntimeError("cannot map buffer")
    try:
        data = np.frombuffer(m.data, np.uint8).copy()
    finally:
        buf.unmap(m)
    planes = []
    for p in range(_PLANES[fmt]):
        off, stride = info.offset[p], info.stride[p]
        if fmt == "RGB":
            rows, row_bytes = h, w * 3
        elif p == 0:
            rows, row_bytes = h, w
        else:
            rows = (h + 1) // 2
            row_bytes = (w + 1) // 2 * (2 if fmt == "NV12" else 1)
        a = data[off:off + stride * (rows - 1) + row_bytes]
        a = np.lib.stride_tricks.as_strided(a, (rows, row_bytes), (stride, 1))
        a = np.ascontiguousarray(a)
        planes.append(a.reshape(h, w, 3) if fmt == "RGB" else a)
    kr, kb = 0.299, 0.114
    full = True
    if fmt != "RGB":
        ok, kr, kb = GstVideo.video_color_matrix_get_Kr_Kb(info.colorimetry.matrix)
        if not ok:
            kr, kb = 0.299, 0.114
        # GST_VIDEO_COLOR_RANGE_0_255 is 1 (PyGObject cannot name it)
        full = int(info.colorimetry.range) == 1
    return Frame(fmt, w, h, planes, kr, kb, full)


def grab(pattern, width, height, fmt="RGB", props=None, frames=(0,)):
    """The given frame numbers of videotestsrc pattern=... at width x height
    in fmt ('RGB', 'I420', 'NV12'), with extra videotestsrc properties.

    Frames are reached by flushing seeks in PAUSED (videotestsrc sets its
    frame counter from the seek position), so frame 300 costs one frame."""
    frames = sorted(set(int(f) for f in frames))
    props = dict(props or {})
    extra = " ".join("%s=%s" % (k, _prop(v)) for k, v in props.items())
    desc = ("videotestsrc pattern=%s %s ! "
            "video/x-raw,format=%s,width=%d,height=%d,framerate=30/1 ! "
            "appsink name=sink sync=false max-buffers=1"
            % (pattern, extra, fmt, width, height))
    pipe = Gst.parse_launch(desc)
    sink = pipe.get_by_name("sink")
    out = []
    try:
        pipe.set_state(Gst.State.PAUSED)
        ret, _, _ = pipe.get_state(10 * Gst.SECOND)
        if ret == Gst.StateChangeReturn.FAILURE:
            raise RuntimeError("cannot start: " + desc)
        for n in frames:
            if n:
                if not pipe.seek_simple(Gst.Format.TIME,
                                        Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE,
                                        Gst.util_uint64_scale(n, Gst.SECOND, 30)):
                    raise RuntimeError("seek to frame %d failed: %s" % (n, desc))
            sample = sink.try_pull_preroll(10 * Gst.SECOND)
            if sample is None:
                raise RuntimeError("no frame %d from: %s" % (n, desc))
            out.append(_to_frame(sample))
    finally:
        pipe.set_state(Gst.State.NULL)
    return out
