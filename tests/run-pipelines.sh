#!/bin/sh
# The 'pipelines' test: runs each script of pipelines/ the way README.md
# shows, with fakesink for the display (VKI_SINK) and a live videotestsrc for
# the camera and the RTSP stream (VKI_SOURCE), and checks that each
# classifies (its vkinception bus messages) and exits 0; then bad input,
# which must end the script with a non-zero status: one line for a missing
# file or a bad name, the usage text for an unknown option, the element's
# error for a file that is no model.
#
#   run-pipelines.sh WRITE-TEST-MODEL PIPELINES-DIR PYTHON OUTDIR
#
# The environment (VKI_BUILD_DIR, VKINCEPTION_VALIDATION, ...) comes from
# the meson test; any Vulkan validation message fails it.
set -eu

if [ $# -ne 4 ]; then
  echo "usage: $0 WRITE-TEST-MODEL PIPELINES-DIR PYTHON OUTDIR" >&2
  exit 2
fi
write_model=$1
dir=$2
python=$3
out=$4

rm -rf "$out"
mkdir -p "$out"
model=$out/model.onnx
labels=$out/labels.txt
status=0

fail() {
  echo "FAIL: $*" >&2
  status=1
}

# run NAME EXPECTED-STATUS SCRIPT ARGS...: runs a script, its output in
# $out/NAME.out and .err, and fails unless it exits EXPECTED-STATUS (0, or
# "non-zero") without a Vulkan validation message.
run() {
  name=$1
  expect=$2
  shift 2
  echo "--- $name: $*"
  rc=0
  "$@" >"$out/$name.out" 2>"$out/$name.err" </dev/null || rc=$?
  cat "$out/$name.err"
  case $expect in
    0) [ $rc -eq 0 ] || fail "$name: exit status $rc, expected 0" ;;
    *) [ $rc -ne 0 ] || fail "$name: exit status 0, expected an error" ;;
  esac
  if grep -q "Vulkan validation" "$out/$name.out" "$out/$name.err"; then
    fail "$name: Vulkan validation messages"
  fi
}

# messages NAME MIN: fails unless NAME's output holds at least MIN
# vkinception element messages, each naming one of the model's labels.
messages() {
  n=$(grep -c 'from element "vkinception0" (element): vkinception, ' \
      "$out/$1.out" || true)
  [ "$n" -ge "$2" ] || fail "$1: $n vkinception messages, expected $2 or more"
  bad=$(grep 'vkinception, ' "$out/$1.out" |
      grep -vc 'top-label=(string)class-[0-9],' || true)
  [ "$bad" -eq 0 ] || fail "$1: $bad messages without a class-N top label"
}

# one_line NAME TEXT: NAME failed with exactly one line on stderr holding
# TEXT (after the usage text for an unknown option, when there is one).
one_line() {
  [ "$(wc -l <"$out/$1.err")" -eq 1 ] ||
    fail "$1: $(wc -l <"$out/$1.err") lines on stderr, expected 1"
  grep -qF "$2" "$out/$1.err" || fail "$1: no '$2' on stderr"
}

"$write_model" "$model" "$labels"
live='videotestsrc is-live=true num-buffers=15'

# ------------------------------------------------------------- the scripts
VKI_SINK=fakesink run videotestsrc 0 \
  "$dir/videotestsrc.sh" -m "$model" -l "$labels" -n 4 -p ball -v
messages videotestsrc 4

# The bundled model, as README.md's first example runs it: it knows the
# videotestsrc patterns, so the ball pattern is named.
VKI_SINK=fakesink run bundled 0 "$dir/videotestsrc.sh" -n 2 -p ball -v
n=$(grep -c 'vkinception, .*top-label=(string)ball,' "$out/bundled.out" || true)
[ "$n" -eq 2 ] || fail "bundled: $n of 2 frames labelled ball"

# async=true interval=2: the frames that find the worker busy pass
# unclassified, so the count depends on the machine's speed; one at least.
VKI_SOURCE=$live VKI_SINK=fakesink run camera 0 \
  "$dir/camera.sh" -m "$model" -l "$labels" -x top-k=3 -v
messages camera 1
grep -q "top-k=3" "$out/camera.err" || fail "camera: -x not in the pipeline"

VKI_SOURCE=$live VKI_SINK=fakesink run rtsp 0 \
  "$dir/rtsp.sh" -m "$model" -l "$labels" -i 1 -v
messages rtsp 1

# file.sh reads a file decodebin can play and writes it annotated plus a
# PNG of the last whole second.
gst-launch-1.0 -q videotestsrc pattern=ball num-buffers=45 \
  ! video/x-raw,width=160,height=120,framerate=30/1 ! vp8enc ! webmmux \
  ! filesink "location=$out/ball.webm"
run file 0 "$dir/file.sh" -m "$model" -l "$labels" -v \
  "$out/ball.webm" "$out/annotated.mkv" "$out/snapshot.png"
messages file 45
# The output decodes to the input's 45 frames of 160x120.
run decode 0 gst-launch-1.0 -m filesrc "location=$out/annotated.mkv" \
  ! decodebin ! video/x-raw,width=160,height=120 ! fakesink
grep -q "EOS" "$out/decode.out" || fail "decode: annotated.mkv does not play"
"$python" - "$out/snapshot.png" <<'EOF' || fail "snapshot.png is not a 160x120 PNG"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
assert struct.unpack(">II", data[16:24]) == (160, 120), struct.unpack(">II", data[16:24])
EOF

# ------------------------------------------------------------- bad input
run missing-model non-zero "$dir/videotestsrc.sh" -m "$out/missing.onnx"
one_line missing-model "missing.onnx: no such file"

run missing-input non-zero "$dir/file.sh" "$out/missing.webm"
one_line missing-input "missing.webm: no such file"

run bad-output non-zero "$dir/file.sh" "$out/ball.webm" "$out/out.avi"
one_line bad-output "give a .webm, .mkv or .mp4 name"

run bad-url non-zero "$dir/rtsp.sh" http://example.invalid/stream
one_line bad-url "not an rtsp:// URL"

run bad-option non-zero "$dir/camera.sh" -Z
grep -q "^Usage:" "$out/bad-option.err" || fail "bad-option: no usage text"

# A file that is no model: the element's error, and gst-launch fails.
VKI_SINK=fakesink run not-a-model non-zero \
  "$dir/videotestsrc.sh" -m "$labels" -n 2
cat "$out/not-a-model.out" "$out/not-a-model.err" |
  grep -q "Could not load the model" ||
  fail "not-a-model: no 'Could not load the model' error"

[ $status -eq 0 ] && echo "pipelines: OK"
exit $status
