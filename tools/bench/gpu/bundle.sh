#!/bin/sh
# Packs what tools/bench/gpu/check.sh needs into .gpu/ (ignored by git), so
# that the checks run on a machine that has a Vulkan GPU but none of the
# build dependencies: the built tools, tests and plugin with the shared
# libraries they load (glibc and libstdc++ excepted), Debian's Khronos
# validation layer, gst-launch-1.0 with the few plugins the element runs
# need, and the torchvision GoogLeNet benchmark model. Where .gpu/ and
# .gl/ (the Vulkan loader packages, see docs/performance.md) travel with the
# tree, keep them out of git: echo /.gpu/ >> .git/info/exclude
#
#   tools/bench/gpu/bundle.sh        (after tools/build.sh and one
#                                      tools/bench/run.sh for the model)
set -eu
cd "$(dirname "$0")/../../.."
BUILD=${BUILD:-build}
B=.gpu
die() { echo "bundle.sh: $*" >&2; exit 1; }

MODEL=$BUILD/bench/models/torchvision-b1
[ -f "$MODEL/model.onnx" ] || die "$MODEL/model.onnx missing: run tools/bench/run.sh once"
GSTLIB=/usr/lib/x86_64-linux-gnu/gstreamer-1.0
LAYER=/usr/lib/x86_64-linux-gnu/libVkLayer_khronos_validation.so
[ -f "$LAYER" ] || die "$LAYER missing (apt-get install vulkan-validationlayers)"

rm -rf "$B"
mkdir -p "$B/bin" "$B/lib" "$B/plugins" "$B/layer" "$B/models/torchvision-b1"
cp "$BUILD/tools/vkinception-infer" "$BUILD/tests/test-ops" \
   "$BUILD/tests/test-frame" "$BUILD/tests/test-device" \
   "$(command -v gst-launch-1.0)" "$B/bin/"
cp "$BUILD/plugin/libgstvkinception.so" "$GSTLIB/libgstcoreelements.so" \
   "$GSTLIB/libgstvideotestsrc.so" "$GSTLIB/libgstvideoconvertscale.so" "$B/plugins/"
cp /usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json "$B/layer/"
gzip -c "$LAYER" > "$B/lib/libVkLayer_khronos_validation.so.gz"
cp "$MODEL/model.onnx" "$MODEL/input.bin" "$MODEL/expected.bin" "$MODEL/info.txt" \
   "$B/models/torchvision-b1/"

# Every library the binaries and plugins load, but glibc's and the C++
# runtime's: the GPU machine's own are newer, and its driver needs those.
for f in "$B"/bin/* "$B"/plugins/* "$BUILD"/plugin/libgstvkinception.so; do ldd "$f"; done \
  | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u \
  | grep -v -E '/(libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s|ld-linux-x86-64)\.so' \
  | while read -r lib; do cp -L "$lib" "$B/lib/"; done
# The plugin finds its meta library through the build tree's rpath.
cp -L "$BUILD"/plugin/libgstvkinceptionmeta-1.0.so.0 "$B/lib/"
tar -C "$B" -czf "$B/lib.tar.gz" lib && rm -r "${B:?}/lib"
cp -r tools/bench/gpu/check.sh "$B/"
du -sh "$B"
