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
# Runs from the build directory without installing (see common.sh).
#
# Example (a model written by tools/models/make_model.py):
#   /usr/bin/python3 tools/models/make_model.py --kind tiny --out-dir /tmp/tiny
#   VKI_SINK=fakesink pipelines/videotestsrc.sh -m /tmp/tiny/model.onnx -n 30 -v
set -eu

# shellcheck source=pipelines/common.sh
. "$(dirname -- "$0")/common.sh"

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
check_files "$model" "$labels"

choose_overlay

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
