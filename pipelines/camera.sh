#!/bin/sh
# camera.sh: classifies a live V4L2 camera and shows the picture with the
# top-k drawn on it. The classifier runs with async=true, so it never holds
# the camera back: frames that find the network busy pass at once with the
# latest result, and interval=N runs the network on one frame in N at most.
#
#   v4l2src ! videoconvert ! vkinception async=true interval=N
#     ! videoconvert ! vkinceptionoverlay ! videoconvert ! autovideosink
#
# Usage:
#   pipelines/camera.sh [-m MODEL.onnx] [-l LABELS.txt] [-d DEVICE]
#       [-c CAPS] [-i INTERVAL] [-s SMOOTHING] [-x 'PROPERTY=VALUE ...'] [-v]
#
#   -m  the ONNX model (default: $VKINCEPTION_MODEL, else the bundled model)
#   -l  the labels file, one per line (default: $VKINCEPTION_LABELS)
#   -d  the camera (default /dev/video0)
#   -c  caps to ask of the camera, e.g. video/x-raw,width=640,height=480
#       (default: what the camera prefers)
#   -i  classify one frame in INTERVAL at most (default 2: on a 30 fps camera
#       15 classifications a second, fewer when the device is slower; 1:
#       whenever the previous classification has finished)
#   -s  smoothing of the scores over frames, 0 to 0.999 (default 0.5, which
#       steadies the labels on a live picture)
#   -x  more vkinception properties, e.g. -x 'top-k=3 resize-mode=center-crop'
#   -v  print every bus message (gst-launch-1.0 -m)
#
# Environment: VKI_SOURCE replaces "v4l2src device=DEVICE" (for a try without
# a camera: VKI_SOURCE='videotestsrc is-live=true num-buffers=90');
# VKI_SINK replaces autovideosink; VKI_BUILD_DIR is the build directory
# (default: build/ in this checkout).
#
# Runs from the build directory without installing (see common.sh).
#
# Not tested against a real camera where this script was written (no
# /dev/video* there); the test suite's 'pipelines' test runs it with
# VKI_SOURCE set to a live videotestsrc, and it was run with v4l2src up to
# its "cannot open device" error.
set -eu

# shellcheck source=pipelines/common.sh
. "$(dirname -- "$0")/common.sh"

device=/dev/video0
caps=
interval=2
smoothing=0.5
props=
messages=
while getopts m:l:d:c:i:s:x:vh opt; do
  case $opt in
    m) model=$OPTARG ;;
    l) labels=$OPTARG ;;
    d) device=$OPTARG ;;
    c) caps=$OPTARG ;;
    i) interval=$OPTARG ;;
    s) smoothing=$OPTARG ;;
    x) props=$OPTARG ;;
    v) messages=-m ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || usage
check_files "$model" "$labels"

choose_overlay

# One argument per token, so that file names may hold spaces.
if [ -n "${VKI_SOURCE:-}" ]; then
  # shellcheck disable=SC2086 # a pipeline fragment: words on purpose
  set -- $VKI_SOURCE
else
  set -- v4l2src "device=$device"
fi
[ -z "$caps" ] || set -- "$@" ! "$caps"
set -- "$@" ! videoconvert ! vkinception ${model:+"model=$model"}
[ -z "$labels" ] || set -- "$@" "labels=$labels"
# shellcheck disable=SC2086
set -- "$@" async=true "interval=$interval" "smoothing=$smoothing" $props \
  ! videoconvert ! $overlay ! videoconvert ! ${VKI_SINK:-autovideosink}

echo "gst-launch-1.0 $*" >&2
exec gst-launch-1.0 -e $messages "$@"
