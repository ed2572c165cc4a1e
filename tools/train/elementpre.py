"""The vkinception element's frame preprocessing, in numpy.

The element (shaders/preprocess.comp) turns a raw frame into the network
input on the device: YUV -> RGB per source pixel (chroma taken from the
co-sited 2x2 block, no chroma interpolation; Kr/Kb from the caps'
colorimetry; limited or full range; clamped to 0..255), then a bilinear
resize with pixel centres aligned and no antialiasing (dst x + 0.5 maps to
src u + 0.5, u clamped to the frame), then (p - mean) / std.

The training data goes through the same arithmetic (in float32, as the
shader), so that what the network sees in training is what the element feeds
it: a 1280-wide frame sampled every 11.4 pixels without a low-pass filter
aliases, and the network must learn the aliased picture, not a smooth one.

Only stretch mode (the element's default) is implemented; a crop is a
source window, the same affine map the element uses for center-crop.
"""

import numpy as np

F32 = np.float32


def axis_map(src_len, dst_len, start=0.0, length=None):
    """Source indices (i0, i1) and weights for dst_len samples over the
    source window [start, start + length), as the shader computes them."""
    if length is None:
        length = src_len
    scale = F32(float(length) / float(dst_len))    # double -> float, as fbits()
    off = F32(start)
    t = np.arange(dst_len, dtype=F32) + F32(0.5)
    u = off + t * scale - F32(0.5)
    u = np.clip(u, F32(0), F32(src_len - 1)).astype(F32)
    i0 = u.astype(np.int64)
    i1 = np.minimum(i0 + 1, src_len - 1)
    w = (u - i0.astype(F32)).astype(F32)
    return i0, i1, w


def _mix(a, b, w):
    # GLSL mix(x, y, a) = x * (1 - a) + y * a
    return a * (F32(1) - w) + b * w


def yuv_to_rgb(y, u, v, kr, kb, full_range):
    """float32 arrays of Y, U, V bytes -> float32 RGB (..., 3), 0..255."""
    kr, kb = F32(kr), F32(kb)
    if full_range:
        yy = y / F32(255)
        uu = (u - F32(128)) / F32(255)
        vv = (v - F32(128)) / F32(255)
    else:
        yy = (y - F32(16)) / F32(219)
        uu = (u - F32(128)) / F32(224)
        vv = (v - F32(128)) / F32(224)
    r = yy + F32(2) * (F32(1) - kr) * vv
    b = yy + F32(2) * (F32(1) - kb) * uu
    g = (yy - kr * r - kb * b) / (F32(1) - kr - kb)
    return np.clip(np.stack([r, g, b], -1) * F32(255), F32(0), F32(255))


class Frame:
    """A raw video frame as the element receives it.

    fmt: 'RGB' (h x w x 3 bytes), 'I420' or 'NV12' (planes: a list of 2-D
    uint8 arrays, chroma at half resolution rounded up), with kr, kb and
    full_range from the caps' colorimetry for YUV."""

    def __init__(self, fmt, width, height, planes, kr=0.299, kb=0.114,
                 full_range=False):
        self.fmt, self.width, self.height = fmt, width, height
        self.planes = planes
        self.kr, self.kb, self.full_range = kr, kb, full_range

    def pixels(self, ys, xs):
        """float32 RGB at the integer source positions (broadcast)."""
        if self.fmt == "RGB":
            return self.planes[0][ys, xs].astype(F32)
        y = self.planes[0][ys, xs].astype(F32)
        cy, cx = ys // 2, xs // 2
        if self.fmt == "I420":
            u = self.planes[1][cy, cx].astype(F32)
            v = self.planes[2][cy, cx].astype(F32)
        elif self.fmt == "NV12":
            u = self.planes[1][cy, 2 * cx].astype(F32)
            v = self.planes[1][cy, 2 * cx + 1].astype(F32)
        else:
            raise ValueError("unknown format %s" % self.fmt)
        return yuv_to_rgb(y, u, v, self.kr, self.kb, self.full_range)

    def to_rgb(self):
        """The whole frame as float32 RGB, as the shader converts it."""
        ys = np.arange(self.height)[:, None]
        xs = np.arange(self.width)[None, :]
        return self.pixels(ys, xs)


def resize(frame, out_w, out_h, window=None):
    """The element's stretch resize of `frame` (a Frame, or an h x w x 3
    array of RGB values) to out_h x out_w x 3 float32 RGB in 0..255.

    window: (x, y, w, h) source window in pixels (a crop), default the frame.
    """
    if not isinstance(frame, Frame):
        a = np.asarray(frame)
        frame = Frame("RGB", a.shape[1], a.shape[0], [a])
    if window is None:
        window = (0, 0, frame.width, frame.height)
    x0, x1, wx = axis_map(frame.width, out_w, window[0], window[2])
    y0, y1, wy = axis_map(frame.height, out_h, window[1], window[3])
    wx = wx[None, :, None]
    X0, X1 = x0[None, :], x1[None, :]
    Y0, Y1 = y0[:, None], y1[:, None]
    top = _mix(frame.pixels(Y0, X0), frame.pixels(Y0, X1), wx)
    bottom = _mix(frame.pixels(Y1, X0), frame.pixels(Y1, X1), wx)
    return _mix(top, bottom, wy[:, None, None])


def normalise(rgb, mean, std):
    """h x w x 3 RGB (0..255) -> 3 x h x w float32 network input."""
    x = (np.asarray(rgb, F32) - np.asarray(mean, F32)) / np.asarray(std, F32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))
