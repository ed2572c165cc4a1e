#!/bin/sh
# videotestsrc.sh: the smallest vkinception demo. A test pattern is
# classified and the top-k is drawn onto the picture by vkinceptionoverlay:
#
#   videotestsrc ! videoconvert ! vkinception ! videoconvert
#     ! vkinceptionoverlay ! videoconvert ! autovideosink
#
# Usage:
#   pipelines/videotestsrc.sh [-m MODEL.onnx] [-l LABELS.txt] [-n FRAMES]
#       [-p PATTERN] [-x 'PROPERTY=VALUE ...'] [-v]
#
#   -m  the ONNX model (default: $VKINCEPTION_MODEL, else the bundled model)
#   -l  the labels file, one per line (default: $VKINCEPTION_LABELS; without
#       one the classes are shown as numbers)
#   -n  stop after FRAMES frames (default: run until Ctrl-C)
#   -p  videotestsrc pattern: smpte, ball, snow, pinwheel, ... (default smpte)
#   -x  more vkinception properties, e.g. -x 'top-k=3 input-size=64x64'
#   -v  print every bus message (gst-launch-1.0 -m), the 'vkinception'
#       element messages with the top-k among them
#
# Environment: VKI_SINK replaces autovideosink (on a machine without a
# display: VKI_SINK=fakesink); VKI_BUILD_DIR is the build directory
# (default: build/ in this checkout).
#
# Runs from the build directory without installing: when
# <checkout>/build/plugin/libgstvkinception.so exists it goes first in
# GST_PLUGIN_PATH, else the installed plugin is used.
#
# Example (a model written by tools/models/make_model.py):
#   /usr/bin/python3 tools/models/make_model.py --kind tiny --out-dir /tmp/tiny
#   VKI_SINK=fakesink pipelines/videotestsrc.sh -m /tmp/tiny/model.onnx -n 30 -v
set -eu

usage() {
  sed -n '/^# Usage:/,/^# Environment:/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
build=${VKI_BUILD_DIR:-$root/build}
if [ -f "$build/plugin/libgstvkinception.so" ]; then
  GST_PLUGIN_PATH=$build/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}
  export GST_PLUGIN_PATH
fi

model=${VKINCEPTION_MODEL:-}
labels=${VKINCEPTION_LABELS:-}
frames=
pattern=smpte
props=
messages=
while getopts m:l:n:p:x:vh opt; do
  case $opt in
    m) model=$OPTARG ;;
    l) labels=$OPTARG ;;
    n) frames=$OPTARG ;;
    p) pattern=$OPTARG ;;
    x) props=$OPTARG ;;
    v) messages=-m ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
[ -z "$model" ] || [ -f "$model" ] || { echo "$0: $model: no such file" >&2; exit 1; }
[ -z "$labels" ] || [ -f "$labels" ] || { echo "$0: $labels: no such file" >&2; exit 1; }

# vkinceptionoverlay draws the result; a plugin built without it still
# classifies (the messages and meta are there), the video is not annotated.
if gst-inspect-1.0 vkinceptionoverlay >/dev/null 2>&1; then
  overlay=vkinceptionoverlay
else
  echo "$0: vkinceptionoverlay not found: the video will not be annotated" >&2
  overlay=identity
fi

# The pipeline, one argument per token, so that file names may hold spaces.
set -- videotestsrc "pattern=$pattern"
[ -z "$frames" ] || set -- "$@" "num-buffers=$frames"
set -- "$@" ! videoconvert ! vkinception ${model:+"model=$model"}
[ -z "$labels" ] || set -- "$@" "labels=$labels"
# shellcheck disable=SC2086 # the properties are words on purpose
set -- "$@" $props ! videoconvert ! $overlay ! videoconvert !
# shellcheck disable=SC2086
set -- "$@" ${VKI_SINK:-autovideosink}

echo "gst-launch-1.0 $*" >&2
exec gst-launch-1.0 -e $messages "$@"
