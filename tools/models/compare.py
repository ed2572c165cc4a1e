#!/usr/bin/env python3
"""Compare two raw little-endian float32 files (reference first).

  compare.py expected.bin actual.bin [--rtol 1e-4]

Prints the max absolute error, max|ref| and their ratio, and exits 1 if the
ratio exceeds --rtol, the sizes differ, or either file holds NaN. The error
is relative to the largest reference value rather than elementwise, because
near-zero outputs (small softmax probabilities, ReLU'd logits) would make an
elementwise relative error meaningless.
"""

import argparse
import sys

import numpy as np


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("expected")
    p.add_argument("actual")
    p.add_argument("--rtol", type=float, default=1e-4)
    args = p.parse_args(argv)

    try:
        ref = np.fromfile(args.expected, dtype="<f4").astype(np.float64)
        out = np.fromfile(args.actual, dtype="<f4").astype(np.float64)
    except OSError as e:
        print("FAIL: %s" % e)
        return 1
    if ref.size != out.size:
        print("FAIL: size mismatch: %d expected values, %d actual" % (ref.size, out.size))
        return 1
    if ref.size == 0:
        print("FAIL: empty files")
        return 1
    nans = np.isnan(ref).sum(), np.isnan(out).sum()
    if any(nans):
        print("FAIL: NaN count: expected %d, actual %d" % nans)
        return 1

    err = np.abs(ref - out)
    max_err = err.max()
    max_ref = np.abs(ref).max()
    # An all-zero reference leaves nothing to scale by; fall back to absolute.
    rel = max_err / max_ref if max_ref > 0 else max_err
    worst = int(err.argmax())
    print("values %d  max_abs_err %.6g (at %d: ref %.6g, actual %.6g)  max|ref| %.6g  "
          "rel_err %.6g  rtol %g" % (ref.size, max_err, worst, ref[worst], out[worst],
                                     max_ref, rel, args.rtol))
    # "not <=" so that an infinite error also fails.
    if not rel <= args.rtol:
        print("FAIL: relative error %.6g > rtol %g" % (rel, args.rtol))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
