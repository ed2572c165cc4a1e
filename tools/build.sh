#!/bin/sh
# Installs what is missing, then configures (once) and builds into build/.
set -eu
cd "$(dirname "$0")/.."
./tools/install-deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build
