#!/bin/sh
# file.sh: classifies a video file and writes it back annotated, plus a PNG
# snapshot. Any file decodebin can read; audio is dropped.
#
#   filesrc ! decodebin ! videoconvert ! vkinception ! videoconvert
#     ! vkinceptionoverlay ! videoconvert ! tee
#       tee. ! queue ! vp8enc ! webmmux ! filesink        (OUTPUT)
#       tee. ! queue ! videorate ! 1 fps ! pngenc ! multifilesink  (SNAPSHOT)
#
# The snapshot branch writes one PNG a second of video to the same file, so
# SNAPSHOT ends as the annotated frame at the last whole second.
#
# Usage:
#   pipelines/file.sh [-m MODEL.onnx] [-l LABELS.txt] [-x 'PROPERTY=VALUE ...']
#       [-v] INPUT [OUTPUT [SNAPSHOT.png]]
#
#   -m  the ONNX model (default: $VKINCEPTION_MODEL, else the bundled model)
#   -l  the labels file, one per line (default: $VKINCEPTION_LABELS)
#   -x  more vkinception properties, e.g. -x 'top-k=3 smoothing=0.8'
#   -v  print every bus message (gst-launch-1.0 -m)
#   OUTPUT    .webm (VP8, the default), .mkv (VP8) or .mp4 (H.264 with
#             x264enc or openh264enc); default INPUT's name with
#             "-classified.webm" in the current directory
#   SNAPSHOT  default OUTPUT's name with ".png"
#
# Environment: VKI_BUILD_DIR is the build directory (default: build/ in this
# checkout).
#
# Runs from the build directory without installing (see common.sh).
#
# Example, with an input made by GStreamer itself:
#   gst-launch-1.0 videotestsrc pattern=ball num-buffers=90 \
#       ! video/x-raw,width=320,height=240 ! vp8enc ! webmmux \
#       ! filesink location=/tmp/ball.webm
#   pipelines/file.sh -m /tmp/tiny/model.onnx /tmp/ball.webm /tmp/out.webm
#   -> /tmp/out.webm and /tmp/out.png
set -eu

# shellcheck source=pipelines/common.sh
. "$(dirname -- "$0")/common.sh"

have() {
  gst-inspect-1.0 "$1" >/dev/null 2>&1
}

props=
messages=
while getopts m:l:x:vh opt; do
  case $opt in
    m) model=$OPTARG ;;
    l) labels=$OPTARG ;;
    x) props=$OPTARG ;;
    v) messages=-m ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -lt 1 ] || [ $# -gt 3 ]; then usage; fi
input=$1
name=$(basename -- "$input")
output=${2:-${name%.*}-classified.webm}
snapshot=${3:-${output%.*}.png}
check_files "$model" "$input" "$labels"

# Realtime VP8 at a bit rate where the overlay text stays legible.
vp8="vp8enc deadline=1 cpu-used=4 target-bitrate=2000000"
case $output in
  *.webm) encode="$vp8 ! webmmux" ;;
  *.mkv) encode="$vp8 ! matroskamux" ;;
  *.mp4)
    if have x264enc; then
      encode="x264enc ! h264parse ! mp4mux"
    elif have openh264enc; then
      encode="openh264enc ! h264parse ! mp4mux"
    else
      echo "$0: no H.264 encoder for $output: install gstreamer1.0-plugins-ugly" \
        "(x264enc) or gstreamer1.0-plugins-bad (openh264enc), or write .webm" >&2
      exit 1
    fi
    ;;
  *) echo "$0: $output: give a .webm, .mkv or .mp4 name" >&2; exit 1 ;;
esac

choose_overlay

# multifilesink formats its location with the file index: a literal '%'
# must be doubled.
snapshot_pattern=$(printf '%s' "$snapshot" | sed 's/%/%%/g')

# One argument per token, so that file names may hold spaces.
set -- filesrc "location=$input" ! decodebin ! videoconvert \
  ! vkinception ${model:+"model=$model"}
[ -z "$labels" ] || set -- "$@" "labels=$labels"
# shellcheck disable=SC2086 # word splitting intended
set -- "$@" $props ! videoconvert ! $overlay ! videoconvert ! tee name=t \
  t. ! queue ! videoconvert ! $encode ! filesink "location=$output" \
  t. ! queue ! videorate drop-only=true ! video/x-raw,framerate=1/1 \
  ! videoconvert ! pngenc ! multifilesink "location=$snapshot_pattern"

echo "gst-launch-1.0 $*" >&2
gst-launch-1.0 -e $messages "$@"
echo "wrote $output and $snapshot" >&2
