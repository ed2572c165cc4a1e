#!/bin/sh
# The load- and store-path microbenchmarks behind conv_tiled.comp
# (docs/performance.md, "Why these shaders"). Builds into
# ${BUILD:-build}/bench/loads and prints, per path, G/s: scalar loads for
# scalar.comp, floats for vec4.comp and stores.comp, flops for the blocking
# variants (NW weight vec4s x NX pixels per invocation, XV=1: the pixels as
# RGBA32F fetches).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$(cd "$HERE/../../.." && pwd)/${BUILD:-build}/bench/loads
mkdir -p "$OUT"
gcc -O2 -Wall -o "$OUT/loads" "$HERE/loads.c" -lvulkan
glslc --target-env=vulkan1.1 -O "$HERE/scalar.comp" -o "$OUT/scalar.spv"
glslc --target-env=vulkan1.1 -O "$HERE/vec4.comp" -o "$OUT/vec4.spv"
glslc --target-env=vulkan1.1 -O "$HERE/stores.comp" -o "$OUT/stores.spv"

echo "== scalar loads, 1024 per invocation (G loads/s)"
echo "   modes: 0 storage buffer, 1 R32F texel, 2 storage buffer at a loop-uniform index, 3 texel, loop-uniform"
"$OUT/loads" "$OUT/scalar.spv" 4 4096 1024
echo "== vec4 loads, 1024 per invocation (G floats/s)"
echo "   modes: 0 storage buffer vec4, 1 RGBA32F texel, 2 uniform buffer at a loop-uniform index, 3 shared memory"
"$OUT/loads" "$OUT/vec4.spv" 4 4096 4096
echo "== stores, 1024 floats per invocation (G floats/s)"
echo "   modes: 0 storage buffer, scalar, 1 storage buffer, vec4, 2 imageStore RGBA32F (storage texel buffer)"
"$OUT/loads" "$OUT/stores.spv" 3 4096 1024
echo "== register blocking, 1024 steps per invocation (GFLOP/s)"
for cfg in "2 4 0" "4 4 0" "2 8 0" "4 8 0" "2 4 1" "4 4 1" "2 8 1" "4 8 1"; do
  set -- $cfg
  /usr/bin/python3 "$HERE/blocking.py" "$1" "$2" "$3" > "$OUT/blocking.comp"
  glslc --target-env=vulkan1.1 -O "$OUT/blocking.comp" -o "$OUT/blocking.spv"
  printf 'NW=%s NX=%s XV=%s: ' "$1" "$2" "$3"
  "$OUT/loads" "$OUT/blocking.spv" 1 1024 $((1024 * $1 * $2 * 8)) | cut -d: -f2
done
