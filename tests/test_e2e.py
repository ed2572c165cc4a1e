#!/usr/bin/env python3
"""End to end: whole networks through vkinception-infer against PyTorch.

Each case generates a model with seeded random weights and its PyTorch
reference (tools/models/make_model.py), runs the model once on the engine and
compares the outputs (relative error at most 1e-4 of max|ref|); then again
with float16 activations (--fp16), and with float16 activations and
arithmetic (--fp16-arithmetic): relative error at most 1e-2 and the same
top-1 class for every batch item. Cases in EXTRA_RUNS run again on other
paths the engine can take, at 1e-4: each convolution's shader chosen by
the GPU cost model (VKINCEPTION_CONV=gpu: conv_tiled, conv and conv_split in
one net, as on a GPU), every convolution on conv_gemm (VKINCEPTION_CONV=gemm:
the implicit GEMM with shared-memory tiles, for GPUs), each one's shader
measured fastest among the conv.comp, conv_split and conv_gemm nets
(VKINCEPTION_CONV=tune; a mix of the three, none the CPU default), and
Winograd F(4x4, 3x3) for no 3x3 convolution or for every one (VKINCEPTION_WINOGRAD=0, =1; by default the large ones on CPU
devices). With LP_NATIVE_VECTOR_WIDTH set (the e2e-sg16 test: llvmpipe's
subgroups of 16 lanes), one more case checks that llvmpipe took it. Prints
TAP.

usage: test_e2e.py VKINCEPTION_INFER WORK_DIR
Needs Debian's python3 with torch, torchvision and onnx (tools/models/)."""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "tools", "models")
RTOL = 1e-4
RTOL_FP16 = 1e-2

# (name, make_model.py arguments, extra checks)
CASES = [
    ("bvlc-opset12-logits", ["--kind", "bvlc", "--opset", "12", "--no-softmax"], "summary"),
    ("bvlc-opset3-softmax", ["--kind", "bvlc", "--opset", "3"], None),
    ("bvlc-opset9-softmax", ["--kind", "bvlc", "--opset", "9"], None),
    ("torchvision-224", ["--kind", "torchvision"], None),
    ("torchvision-160x200", ["--kind", "torchvision", "--height", "160", "--width", "200"], None),
    ("nin-32x32", ["--kind", "nin"], None),
    ("nin-45x37-batch2", ["--kind", "nin", "--height", "45", "--width", "37", "--batch", "2"], None),
    ("tiny-opset7", ["--kind", "tiny", "--opset", "7"], None),
]

GPU_POLICY = ("gpu policy", {"VKINCEPTION_CONV": "gpu"})
GEMM = ("conv_gemm", {"VKINCEPTION_CONV": "gemm"})
NO_WINOGRAD = ("no winograd", {"VKINCEPTION_WINOGRAD": "0"})
ALL_WINOGRAD = ("winograd everywhere", {"VKINCEPTION_WINOGRAD": "1"})
TUNED = ("tuned among direct, split, gemm", {
    "VKINCEPTION_CONV": "tune", "VKINCEPTION_TUNE_POLICIES": "direct,split,gemm"})
EXTRA_RUNS = {
    "bvlc-opset12-logits": [GPU_POLICY, GEMM],
    "torchvision-224": [GPU_POLICY, NO_WINOGRAD],
    "torchvision-160x200": [ALL_WINOGRAD],
    "nin-45x37-batch2": [GPU_POLICY, GEMM, TUNED],
    "tiny-opset7": [TUNED],
}

# BVLC GoogLeNet as counted by the engine (see docs/googlenet.md).
BVLC_PARAMS = 6998552
BVLC_MACS_RANGE = (1.55e9, 1.60e9)


def run(cmd, env=None):
    return subprocess.run(cmd, capture_output=True, text=True,
                          env=dict(os.environ, **env) if env else None)


def info(path):
    with open(os.path.join(path, "info.txt")) as f:
        return dict(line.strip().split("=", 1) for line in f if "=" in line)


def check_case(infer, work, name, args, extra):
    out = os.path.join(work, name)
    r = run([sys.executable, os.path.join(MODELS, "make_model.py"), "--out-dir", out] + args)
    if r.returncode:
        return False, "make_model.py failed: " + r.stderr.strip()[-500:]
    meta = info(out)
    actual = os.path.join(out, "actual.bin")
    r = run([infer, "--model", os.path.join(out, "model.onnx"),
             "--input-raw", os.path.join(out, "input.bin"),
             "--shape", meta["input_shape"], "--output-raw", actual])
    if r.returncode:
        return False, "vkinception-infer failed: " + r.stderr.strip()
    shape = meta["output_shape"].replace(",", "x")
    if shape not in r.stdout:
        return False, f"expected output shape {shape}, tool printed: {r.stdout.strip()}"
    r = run([sys.executable, os.path.join(MODELS, "compare.py"),
             os.path.join(out, "expected.bin"), actual, "--rtol", str(RTOL)])
    detail = r.stdout.strip().splitlines()[0] if r.stdout.strip() else r.stderr.strip()
    if r.returncode:
        return False, detail
    for flag in ("--fp16", "--fp16-arithmetic"):
        ok, fp16_detail = check_fp16(infer, out, meta, flag)
        if not ok:
            return False, fp16_detail
        detail += "; " + fp16_detail
    for label, env in EXTRA_RUNS.get(name, []):
        ok, run_detail = check_env_run(infer, out, meta, label, env)
        if not ok:
            return False, run_detail
        detail += "; " + run_detail
    if extra == "summary":
        r = run([infer, "--model", os.path.join(out, "model.onnx"), "--summary"])
        m = re.search(r"^total: params=(\d+) macs=(\d+)$", r.stdout, re.M)
        if r.returncode or not m:
            return False, "no total line in --summary: " + r.stdout[-300:] + r.stderr
        params, macs = int(m.group(1)), int(m.group(2))
        if params != BVLC_PARAMS or not BVLC_MACS_RANGE[0] <= macs <= BVLC_MACS_RANGE[1]:
            return False, f"summary total params={params} macs={macs}"
        detail += f"; summary params={params} macs={macs}"
        # A fixed-window model at another size must say which size it needs.
        r = run([infer, "--model", os.path.join(out, "model.onnx"),
                 "--shape", "1,3,256,256", "--bench", "1"])
        if r.returncode != 1 or "1x3x224x224" not in r.stderr or len(r.stderr.strip().splitlines()) != 1:
            return False, f"256x256 on a 224-only model: rc={r.returncode} stderr={r.stderr!r}"
        detail += "; 256x256 refused: " + r.stderr.strip()
        # The video-frame path's timing: two positive medians; a bad size is
        # one line on stderr before anything runs.
        r = run([infer, "--model", os.path.join(out, "model.onnx"),
                 "--bench", "2", "--bench-frame", "320x240"])
        times = dict(re.findall(r"^(frame_upload_ms|frame_run_ms)=([\d.]+)$", r.stdout, re.M))
        if r.returncode or len(times) != 2 or min(float(v) for v in times.values()) <= 0:
            return False, f"--bench-frame 320x240: rc={r.returncode} {r.stdout[-200:]!r} {r.stderr!r}"
        # Under the CPU policy (lavapipe's), the 3x3 convolutions over 8 Mi
        # MACs on planes of 14x14 or more run as Winograd F(4x4, 3x3): eight
        # of BVLC's ten (not 5a's and 5b's, on 7x7).
        r = run([infer, "--model", os.path.join(out, "model.onnx"), "--bench", "1"],
                env={"VKINCEPTION_CONV": "cpu"})
        kernels = re.findall(r"^(\S+)\s+Conv\S*\s+\S+\s+\d+\s+\S+\s+\S+\s+(\S+)$", r.stdout, re.M)
        wrong = [(n, k) for n, k in kernels
                 if (n.endswith("/3x3_1") and not n.startswith("inception_5")) != k.startswith("winograd+")]
        if r.returncode or len(kernels) != 57 or wrong:
            return False, f"CPU policy: {len(kernels)} convolutions, Winograd where not expected or missing: {wrong}"
        detail += "; CPU policy: Winograd on the eight 3x3 convolutions on 14x14 planes or larger"
        r = run([infer, "--model", os.path.join(out, "model.onnx"),
                 "--bench", "2", "--bench-frame", "320x"])
        if r.returncode != 1 or r.stdout or len(r.stderr.strip().splitlines()) != 1:
            return False, f"--bench-frame 320x: rc={r.returncode} stderr={r.stderr!r}"
        detail += f"; --bench-frame {times}"
    return True, detail


def check_fp16(infer, out, meta, flag):
    """The same input with float16 activations (@flag --fp16), or float16
    activations and arithmetic (--fp16-arithmetic): within RTOL_FP16 of
    PyTorch, and the same top-1 class as PyTorch for every batch item."""
    import numpy as np
    label = flag[2:]
    actual = os.path.join(out, "actual-" + label + ".bin")
    r = run([infer, flag, "--model", os.path.join(out, "model.onnx"),
             "--input-raw", os.path.join(out, "input.bin"),
             "--shape", meta["input_shape"], "--output-raw", actual])
    if r.returncode:
        return False, f"vkinception-infer {flag} failed: " + r.stderr.strip()
    r = run([sys.executable, os.path.join(MODELS, "compare.py"),
             os.path.join(out, "expected.bin"), actual, "--rtol", str(RTOL_FP16)])
    detail = r.stdout.strip().splitlines()[0] if r.stdout.strip() else r.stderr.strip()
    if r.returncode:
        return False, label + ": " + detail
    batch = int(meta["output_shape"].split(",")[0])
    ref = np.fromfile(os.path.join(out, "expected.bin"), np.float32).reshape(batch, -1)
    got = np.fromfile(actual, np.float32).reshape(batch, -1)
    if list(ref.argmax(1)) != list(got.argmax(1)):
        return False, f"{label}: top-1 {list(got.argmax(1))}, PyTorch {list(ref.argmax(1))}"
    return True, f"{label}: {detail}; top-1 {list(got.argmax(1))} as PyTorch"


def check_env_run(infer, out, meta, label, env):
    """The same input on the path @env selects, within RTOL of PyTorch."""
    actual = os.path.join(out, "actual-" + label.replace(" ", "-") + ".bin")
    r = run([infer, "--model", os.path.join(out, "model.onnx"),
             "--input-raw", os.path.join(out, "input.bin"),
             "--shape", meta["input_shape"], "--output-raw", actual], env=env)
    if r.returncode:
        return False, f"{label}: vkinception-infer failed: " + r.stderr.strip()
    r = run([sys.executable, os.path.join(MODELS, "compare.py"),
             os.path.join(out, "expected.bin"), actual, "--rtol", str(RTOL)])
    detail = r.stdout.strip().splitlines()[0] if r.stdout.strip() else r.stderr.strip()
    return r.returncode == 0, f"{label}: " + detail


# The preprocessing the engine picks for the two GoogLeNets users bring:
# the zoo file (recognised by its input data_0) and the torchvision export
# (its metadata). Both files are made here with random weights.
PREPROCESS = {
    "bvlc": "preprocess: BGR mean=103.939,116.779,123.68 std=1,1,1 size=224x224",
    "torchvision-export": "preprocess: RGB mean=127.5,127.5,127.5 std=127.5,127.5,127.5 size=224x224",
}


def check_preprocessing(infer, work):
    out = os.path.join(work, "preprocess")
    os.makedirs(out, exist_ok=True)
    bvlc = os.path.join(work, "bvlc-opset12-logits", "model.onnx")
    weights = os.path.join(out, "googlenet-random.pth")
    exported = os.path.join(out, "googlenet-tv.onnx")
    r = run([sys.executable, "-c",
             "import sys, torch, torchvision; torch.manual_seed(0); "
             "m = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True); "
             "torch.save(m.state_dict(), sys.argv[1])", weights])
    if r.returncode:
        return False, "could not save random weights: " + r.stderr[-300:]
    r = run([sys.executable, os.path.join(HERE, "..", "tools", "export-torchvision-googlenet.py"),
             exported, "--weights", weights])
    if r.returncode:
        return False, "export failed: " + r.stderr[-300:]
    lines = []
    for kind, path in (("bvlc", bvlc), ("torchvision-export", exported)):
        r = run([infer, "--model", path, "--summary"])
        first = r.stdout.splitlines()[0] if r.stdout else r.stderr.strip()
        if r.returncode or first != PREPROCESS[kind]:
            return False, f"{kind}: expected '{PREPROCESS[kind]}', got '{first}'"
        lines.append(f"{kind}: {first}")
    return True, "; ".join(lines)


def check_vector_width(infer):
    """With LP_NATIVE_VECTOR_WIDTH set (e2e-sg16), llvmpipe must have taken
    it: its device name states its width. A run at the default width would
    test nothing new. Other devices ignore the variable."""
    width = os.environ.get("LP_NATIVE_VECTOR_WIDTH")
    if not width:
        return True, "LP_NATIVE_VECTOR_WIDTH not set"
    r = run([infer, "--list-devices"])
    first = r.stdout.splitlines()[0] if r.stdout else ""
    if r.returncode != 0 or not first:
        return False, f"--list-devices failed: {r.stderr.strip()}"
    if "llvmpipe" not in first:
        return True, f"not llvmpipe, width not checked: {first}"
    return f"{width} bits" in first, first


def main():
    infer, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    print(f"1..{len(CASES) + 2}")
    failed = 0
    for i, (name, args, extra) in enumerate(CASES, 1):
        ok, detail = check_case(infer, work, name, args, extra)
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        print(f"# {detail}")
        sys.stdout.flush()
        failed += not ok
    ok, detail = check_preprocessing(infer, work)
    print(f"{'ok' if ok else 'not ok'} {len(CASES) + 1} - preprocessing of the zoo and torchvision files")
    print(f"# {detail}")
    failed += not ok
    ok, detail = check_vector_width(infer)
    print(f"{'ok' if ok else 'not ok'} {len(CASES) + 2} - the device's vector width")
    print(f"# {detail}")
    failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
