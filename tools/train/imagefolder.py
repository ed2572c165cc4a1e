"""Image folders (one sub-folder per class) loaded into memory at the
network input size, with the vkinception element's resize."""

import os

import numpy as np

from elementpre import resize

EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".webp")


def class_names(root):
    return sorted(d for d in os.listdir(root)
                  if os.path.isdir(os.path.join(root, d)) and not d.startswith("."))


def list_images(root, labels):
    """[(path, class index)] for every image under root/<label>/, sorted.
    Sub-folders not in labels are an error (a typo would drop a class)."""
    extra = [d for d in class_names(root) if d not in labels]
    if extra:
        raise SystemExit("%s: sub-folders %s are not in the labels" % (root, extra))
    items = []
    for ci, label in enumerate(labels):
        d = os.path.join(root, label)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if name.lower().endswith(EXTENSIONS):
                items.append((os.path.join(d, name), ci))
    return items


def load_image(path, width, height):
    """An image file -> uint8 height x width x 3 RGB, resized like the
    element (bilinear stretch, pixel centres aligned, no antialiasing)."""
    from PIL import Image
    with Image.open(path) as im:
        a = np.asarray(im.convert("RGB"))
    if a.shape[0] != height or a.shape[1] != width:
        a = np.clip(np.rint(resize(a, width, height)), 0, 255).astype(np.uint8)
    return a


def load(items, width, height):
    """uint8 N x 3 x H x W array and int64 labels."""
    x = np.empty((len(items), 3, height, width), np.uint8)
    y = np.empty(len(items), np.int64)
    for i, (path, ci) in enumerate(items):
        x[i] = load_image(path, width, height).transpose(2, 0, 1)
        y[i] = ci
    return x, y
