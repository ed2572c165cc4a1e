#!/bin/sh
# Builds a second tree, build-asan/, with AddressSanitizer and
# UndefinedBehaviorSanitizer, and runs the tests in it (all of them, or the
# ones named: tools/run-sanitizers.sh bad-inputs element-element).
# Not part of CI, whose time goes to valgrind; leaks are left to that
# setup of tools/run-tests.sh (the Vulkan loader and llvmpipe leave
# allocations LeakSanitizer would report).
set -eu
cd "$(dirname "$0")/.."
./tools/build.sh build-asan -Db_sanitize=address,undefined -Db_lundef=false

# gst-launch, gst-plugin-scanner and python3 are not instrumented: the
# runtime is preloaded into them, and plugins are scanned in-process (a
# forked scanner without it fails to load the plugin and records that in
# the registry, hence a fresh one).
LD_PRELOAD=$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)
ASAN_OPTIONS=detect_leaks=0
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
GST_REGISTRY_FORK=no
GST_REGISTRY=$(pwd)/build-asan/registry.bin
export LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS GST_REGISTRY_FORK GST_REGISTRY
find build-asan -name 'registry*.bin' -delete
# Each test's registry scanned first, by a process of its own: scanned
# inside check-overlay, which builds the overlay's source in, the plugin's
# GstVkInceptionOverlay would be registered before the test's own.
for r in tests/check/registry.bin examples/registry.bin \
    tests/registry-pipelines.bin; do
  GST_REGISTRY=$(pwd)/build-asan/$r GST_PLUGIN_PATH=$(pwd)/build-asan/plugin \
    gst-inspect-1.0 vkinception >/dev/null
done
# A test runs several times slower here (default-model, whose python3
# drives whole pipelines, went past its 1200 s).
meson test -C build-asan --print-errorlogs --num-processes 1 \
  --timeout-multiplier 4 "$@"
