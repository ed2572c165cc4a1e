#!/bin/sh
# Benchmarks the engine and the element against the device's measured peak
# and against ONNX Runtime on the CPU; see docs/performance.md.
#
#   tools/bench/run.sh [--quick] [bench.py options, e.g. --wait-load 0.6]
#
# Builds nothing: it needs an existing build/ (tools/build.sh). It generates
# its models into build/bench/models (tools/models/make_model.py, Debian's
# /usr/bin/python3 with torch) and installs onnxruntime-node into
# build/bench-node with npm --ignore-scripts: a benchmark-only dependency,
# never needed to build or test. Results: a table on stdout and
# build/bench/results.json.
set -eu
cd "$(dirname "$0")/../.."

# Pinned: its npm tarball carries the linux x64 CPU binaries
# (bin/napi-v6/linux/x64), so no install script has to run.
ORT_VERSION=${ORT_VERSION:-1.30.0}
BUILD=${BUILD:-build}

die() { echo "run.sh: $*" >&2; exit 1; }

[ -d "$BUILD" ] || die "no $BUILD/ directory: build first (tools/build.sh)"
NODE_DIR=$(cd "$BUILD" && pwd)/bench-node
[ -x "$BUILD/tools/vkinception-infer" ] || die "$BUILD/tools/vkinception-infer is missing: build first (ninja -C $BUILD)"
[ -f "$BUILD/plugin/libgstvkinception.so" ] || die "$BUILD/plugin/libgstvkinception.so is missing: build first (ninja -C $BUILD)"
"$BUILD/tools/vkinception-infer" --help 2>/dev/null | grep -q -- --peak \
  || die "$BUILD/tools/vkinception-infer has no --peak: rebuild (ninja -C $BUILD)"
for tool in node npm gst-launch-1.0 /usr/bin/python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done
[ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian package 'time': apt-get install time)"

if ! [ -f "$NODE_DIR/node_modules/onnxruntime-node/package.json" ] \
   || [ "$(node -p "require('$NODE_DIR/node_modules/onnxruntime-node/package.json').version")" != "$ORT_VERSION" ]; then
  echo "[bench] installing onnxruntime-node@$ORT_VERSION into $NODE_DIR (--ignore-scripts)" >&2
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --ignore-scripts --no-save --no-audit --no-fund \
    --loglevel=error "onnxruntime-node@$ORT_VERSION" >&2
fi
NODE_PATH="$NODE_DIR/node_modules" node -e "require('onnxruntime-node')" \
  || die "onnxruntime-node@$ORT_VERSION does not load here (no linux x64 binary?)"

mkdir -p "$BUILD/bench"
exec /usr/bin/python3 tools/bench/bench.py --src . --build "$BUILD" \
  --work "$BUILD/bench" --node-modules "$NODE_DIR/node_modules" \
  --json "$BUILD/bench/results.json" "$@"
