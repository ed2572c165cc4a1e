#!/bin/sh
# Installs what is missing, then configures (once) and builds into build/,
# or into the directory named with the meson options after it
# (tools/run-sanitizers.sh: tools/build.sh build-asan -Db_sanitize=...).
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build}
[ $# -eq 0 ] || shift
./tools/install-deps.sh
[ -f "$dir/build.ninja" ] || meson setup "$dir" "$@"
ninja -C "$dir"
