#!/usr/bin/python3
"""Export a train.py checkpoint to ONNX for gst-vkinception.

    /usr/bin/python3 tools/train/export.py RUN/model.pt --out model.onnx \\
        [--opset 11] [--verify build/tools/vkinception-infer]

The exported graph is the main head only (the auxiliary classifiers are
training-only and left out), ends in Softmax (outputs are probabilities),
and declares its input as 1x3xHxW at the training size. The trunk ends in
GlobalAveragePool, so the engine runs it at other sizes too (input-size).
BatchNormalization is folded into the convolutions by the exporter (the
engine would fold it too). Only ops the engine implements are allowed:
Conv, Relu, MaxPool, AveragePool, GlobalAveragePool, LRN, Concat, Gemm,
Flatten, Softmax, BatchNormalization; anything else is an error.

metadata_props record the preprocessing the element and vkinception-infer
read:

    vkinception.channel_order  RGB
    vkinception.mean           "m_r,m_g,m_b"  (0..255 pixel scale,
    vkinception.std            "s_r,s_g,s_b"   value = (pixel - mean) / std)
    vkinception.input_size     "WxH"
    vkinception.labels         the labels, newline-joined

and the labels are also written one per line to the .labels file next to
the model (--labels-out).

--verify INFER runs the engine's CLI on the model: --summary, then one
seeded random input and one real videotestsrc frame (if python3-gi is
there) through --input-raw/--output-raw, compared with the PyTorch output
by tools/models/compare.py.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import googlenet  # noqa: E402

ALLOWED_OPS = {"Conv", "Relu", "MaxPool", "AveragePool", "GlobalAveragePool",
               "LRN", "Concat", "Gemm", "Flatten", "Softmax",
               "BatchNormalization"}


def fmt_num(v):
    return ("%.6f" % v).rstrip("0").rstrip(".")


def load_main(checkpoint):
    ck = torch.load(checkpoint, map_location="cpu")
    config = dict(ck["config"], aux=False)
    net = googlenet.build(config)
    state = {k: v for k, v in ck["state_dict"].items()
             if not k.startswith(("aux1.", "aux2."))}
    net.load_state_dict(state)
    model = googlenet.Exported(net).eval()
    return ck, model


def export(checkpoint, out, opset, labels_out, description):
    ck, model = load_main(checkpoint)
    w, h = ck["input_size"]
    labels = ck["labels"]
    dummy = torch.zeros(1, 3, h, w)
    with tempfile.TemporaryDirectory() as tmp:
        raw = os.path.join(tmp, "raw.onnx")
        torch.onnx.export(model, dummy, raw, opset_version=opset,
                          input_names=["input"], output_names=["prob"],
                          do_constant_folding=True,
                          training=torch.onnx.TrainingMode.EVAL)
        m = onnx.load(raw)

    ops = sorted({n.op_type for n in m.graph.node})
    bad = [o for o in ops if o not in ALLOWED_OPS]
    if bad:
        raise SystemExit("export: ops the engine does not run: %s" % bad)

    meta = {
        "vkinception.channel_order": "RGB",
        "vkinception.mean": ",".join(fmt_num(v) for v in ck["mean"]),
        "vkinception.std": ",".join(fmt_num(v) for v in ck["std"]),
        "vkinception.input_size": "%dx%d" % (w, h),
        "vkinception.labels": "\n".join(labels),
    }
    del m.metadata_props[:]
    for k, v in meta.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    m.producer_name = "gst-vkinception tools/train"
    m.doc_string = description or (
        "GoogLeNet (width %g, %s inception modules%s), trained with%s auxiliary "
        "classifiers; main head only, ends in Softmax over %d classes."
        % (ck["config"]["width"], "naive" if ck["config"]["naive"] else "reduced",
           ", LRN" if ck["config"]["lrn"] else "",
           "" if ck["config"]["aux"] else "out", len(labels)))
    onnx.checker.check_model(m)
    onnx.save(m, out)
    with open(labels_out, "w") as f:
        f.write("\n".join(labels) + "\n")
    print("wrote %s (%d bytes, opset %d, ops %s, input 1x3x%dx%d) and %s (%d labels)"
          % (out, os.path.getsize(out), opset, ",".join(ops), h, w, labels_out,
             len(labels)))
    return ck, model


def verify(infer, onnx_path, ck, model):
    """Engine output against PyTorch for a random and a real input."""
    w, h = ck["input_size"]
    compare = os.path.join(HERE, "..", "models", "compare.py")
    ok = True
    r = subprocess.run([infer, "--model", onnx_path, "--summary"],
                       capture_output=True, text=True)
    print(r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "", r.stderr.strip())
    if r.returncode != 0:
        return False
    inputs = {"random": np.random.default_rng(1).uniform(-1, 1, (1, 3, h, w))
              .astype(np.float32)}
    try:
        from vtsrc import grab
        from elementpre import resize, normalise
        fr = grab("smpte", 320, 240, "I420")[0]
        inputs["smpte I420 320x240"] = normalise(
            resize(fr, w, h), ck["mean"], ck["std"])[None]
    except Exception as e:  # no python3-gi: the random input only
        print("(no videotestsrc frame: %s)" % e)
    with tempfile.TemporaryDirectory() as tmp:
        # The logits too (a graph without the final Softmax): saturated
        # probabilities would hide small differences.
        logits_onnx = os.path.join(tmp, "logits.onnx")
        logits = googlenet.Exported(model.net, softmax=False).eval()
        torch.onnx.export(logits, torch.zeros(1, 3, h, w), logits_onnx,
                          opset_version=11, input_names=["input"],
                          output_names=["logits"], do_constant_folding=True,
                          training=torch.onnx.TrainingMode.EVAL)
        runs = [(name + " (probabilities)", onnx_path, model, x) for name, x in inputs.items()]
        runs += [(name + " (logits)", logits_onnx, logits, x) for name, x in inputs.items()]
        for name, path, net, x in runs:
            xin, exp, act = (os.path.join(tmp, n) for n in ("x.bin", "exp.bin", "out.bin"))
            x.astype("<f4").tofile(xin)
            with torch.no_grad():
                net(torch.from_numpy(x)).numpy().astype("<f4").tofile(exp)
            r = subprocess.run([infer, "--model", path, "--input-raw", xin,
                                "--shape", "1,3,%d,%d" % (h, w), "--output-raw", act],
                               capture_output=True, text=True)
            if r.returncode != 0:
                print("%s: vkinception-infer failed: %s" % (name, r.stderr.strip()))
                ok = False
                continue
            c = subprocess.run([sys.executable, compare, exp, act, "--rtol", "1e-4"],
                               capture_output=True, text=True)
            top_t = int(np.fromfile(exp, "<f4").argmax())
            top_e = int(np.fromfile(act, "<f4").argmax())
            print("%s: %s top-1 torch %s, engine %s" % (
                name, c.stdout.strip(), ck["labels"][top_t], ck["labels"][top_e]))
            ok = ok and c.returncode == 0 and top_t == top_e
    return ok


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("checkpoint", help="train.py's model.pt")
    p.add_argument("--out", required=True, help="ONNX file to write")
    p.add_argument("--labels-out", help="labels file (default: OUT with .labels)")
    p.add_argument("--opset", type=int, default=11, choices=[11, 12])
    p.add_argument("--description", help="the model's doc_string")
    p.add_argument("--verify", metavar="INFER",
                   help="path to vkinception-infer: check the export on the engine")
    args = p.parse_args(argv)
    labels_out = args.labels_out or os.path.splitext(args.out)[0] + ".labels"
    ck, model = export(args.checkpoint, args.out, args.opset, labels_out,
                       args.description)
    if args.verify:
        if not verify(args.verify, args.out, ck, model):
            raise SystemExit("export: the engine's output differs from PyTorch's")
        print("engine output matches PyTorch")


if __name__ == "__main__":
    main()
