#!/bin/sh
# The main job: installs what is missing, builds, then classifies with a
# full-size GoogLeNet on the Vulkan device: the network's layer summary, one
# inference checked against PyTorch, and a short benchmark.
#
# The model has the exact layout of the ONNX Model Zoo's BVLC GoogLeNet with
# seeded random weights (the real weights cannot be downloaded here).
set -eu
cd "$(dirname "$0")/.."
./tools/build.sh

work=build/main-job
/usr/bin/python3 tools/models/make_model.py --kind bvlc --out-dir "$work" >/dev/null
infer=build/tools/vkinception-infer

echo "== Vulkan devices"
$infer --list-devices
echo "== GoogLeNet (BVLC layout), layer by layer"
$infer --model "$work/model.onnx" --summary
echo "== One inference, compared with PyTorch"
$infer --model "$work/model.onnx" --input-raw "$work/input.bin" \
  --output-raw "$work/output.bin"
/usr/bin/python3 tools/models/compare.py "$work/expected.bin" "$work/output.bin"
echo "== Benchmark"
$infer --model "$work/model.onnx" --bench 5
