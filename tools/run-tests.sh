#!/bin/sh
# The test command: installs what is missing, builds, runs every test on the
# Vulkan device the loader finds (lavapipe without a GPU) with the validation
# layer on, then the bad-input tests and the element's state cycles again
# under valgrind.
set -eu
cd "$(dirname "$0")/.."
./tools/build.sh
meson test -C build --print-errorlogs --num-processes 2
meson test -C build --print-errorlogs --setup valgrind bad-inputs element-leaks
