#!/bin/sh
# rtsp.sh: classifies the video of an RTSP stream (an IP camera, say) and
# shows it with the top-k drawn on it. As with a camera, the classifier runs
# with async=true so that a slow device never delays the stream.
#
#   rtspsrc location=URL ! application/x-rtp,media=video ! decodebin
#     ! videoconvert ! vkinception async=true interval=N ! videoconvert
#     ! vkinceptionoverlay ! videoconvert ! autovideosink
#
# Usage:
#   pipelines/rtsp.sh [-m MODEL.onnx] [-l LABELS.txt] [-i INTERVAL]
#       [-s SMOOTHING] [-L LATENCY_MS] [-T] [-x 'PROPERTY=VALUE ...'] [-v] URL
#
#   -m  the ONNX model (default: $VKINCEPTION_MODEL, else the bundled model)
#   -l  the labels file, one per line (default: $VKINCEPTION_LABELS)
#   -i  classify one frame in INTERVAL at most (default 2)
#   -s  smoothing of the scores over frames, 0 to 0.999 (default 0.5)
#   -L  rtspsrc jitter buffer in milliseconds (default 200)
#   -T  RTP over the RTSP TCP connection (for firewalls and lossy links)
#   -x  more vkinception properties, e.g. -x 'top-k=3'
#   -v  print every bus message (gst-launch-1.0 -m)
#   URL rtsp://[user:password@]host[:port]/path
#
# Environment: VKI_SOURCE replaces everything up to and including decodebin
# (for a try without a server: VKI_SOURCE='videotestsrc is-live=true
# num-buffers=90'); VKI_SINK replaces autovideosink; VKI_BUILD_DIR is the
# build directory (default: build/ in this checkout).
#
# Runs from the build directory without installing (see common.sh).
#
# Not tested against an RTSP server where this script was written (no
# network there); the test suite's 'pipelines' test runs it with
# VKI_SOURCE set to a live videotestsrc, and it was run with rtspsrc up to
# its "could not connect" error.
set -eu

# shellcheck source=pipelines/common.sh
. "$(dirname -- "$0")/common.sh"

interval=2
smoothing=0.5
latency=200
protocols=
props=
messages=
while getopts m:l:i:s:L:Tx:vh opt; do
  case $opt in
    m) model=$OPTARG ;;
    l) labels=$OPTARG ;;
    i) interval=$OPTARG ;;
    s) smoothing=$OPTARG ;;
    L) latency=$OPTARG ;;
    T) protocols=protocols=tcp ;;
    x) props=$OPTARG ;;
    v) messages=-m ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
if [ -n "${VKI_SOURCE:-}" ]; then
  [ $# -le 1 ] || usage
else
  [ $# -eq 1 ] || usage
  url=$1
  case $url in
    rtsp://* | rtsps://* | rtspt://* | rtspu://*) ;;
    *) echo "$0: $url: not an rtsp:// URL" >&2; exit 2 ;;
  esac
fi
check_files "$model" "$labels"

choose_overlay

# One argument per token. The caps after rtspsrc pick its video stream
# (a camera often sends audio too); decodebin picks the decoder.
if [ -n "${VKI_SOURCE:-}" ]; then
  # shellcheck disable=SC2086 # a pipeline fragment: words on purpose
  set -- $VKI_SOURCE
else
  set -- rtspsrc "location=$url" "latency=$latency" $protocols \
    ! application/x-rtp,media=video ! decodebin
fi
set -- "$@" ! videoconvert ! vkinception ${model:+"model=$model"}
[ -z "$labels" ] || set -- "$@" "labels=$labels"
# shellcheck disable=SC2086
set -- "$@" async=true "interval=$interval" "smoothing=$smoothing" $props \
  ! videoconvert ! $overlay ! videoconvert ! ${VKI_SINK:-autovideosink}

echo "gst-launch-1.0 $*" >&2
exec gst-launch-1.0 -e $messages "$@"
