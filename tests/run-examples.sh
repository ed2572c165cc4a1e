#!/bin/sh
# The 'examples' test: runs examples/classify-meta (C, reads the meta) and
# examples/classify-messages.py (PyGObject, reads the bus messages) on a
# small model written by write-test-model, and checks what they print.
#
#   run-examples.sh WRITE-TEST-MODEL CLASSIFY-META CLASSIFY-MESSAGES.PY PYTHON OUTDIR
#
# The environment (GST_PLUGIN_PATH, VKINCEPTION_VALIDATION, ...) comes from
# the meson test; any Vulkan validation message fails it.
set -eu

if [ $# -ne 5 ]; then
  echo "usage: $0 WRITE-TEST-MODEL CLASSIFY-META CLASSIFY-MESSAGES.PY PYTHON OUTDIR" >&2
  exit 2
fi
write_model=$1
classify_meta=$2
classify_messages=$3
python=$4
out=$5

mkdir -p "$out"
model=$out/model.onnx
labels=$out/labels.txt
frames=6
status=0

fail() {
  echo "FAIL: $*" >&2
  status=1
}

# Prints $2 (a file) and fails if it has a validation message.
show() {
  echo "--- $1"
  cat "$2"
  if grep -q "Vulkan validation" "$2"; then
    fail "$1: Vulkan validation messages"
  fi
}

"$write_model" "$model" "$labels"

# ----------------------------------------------------------------- C, meta
if "$classify_meta" "$model" "$labels" $frames >"$out/meta.out" 2>"$out/meta.err"; then
  :
else
  fail "classify-meta exited with $?"
fi
show "classify-meta stdout" "$out/meta.out"
show "classify-meta stderr" "$out/meta.err"
n=$(grep -cE '^frame [0-9]+: class-[0-9] [01]\.[0-9]{4}$' "$out/meta.out" || true)
[ "$n" -eq $frames ] || fail "classify-meta: $n frame lines with a class, expected $frames"
grep -qx "$frames frames with a meta" "$out/meta.out" ||
  fail "classify-meta: no summary line"

# A model that does not exist: an error, status 1, and no hang.
if "$classify_meta" "$out/missing.onnx" >"$out/missing.out" 2>"$out/missing.err"; then
  fail "classify-meta succeeded without a model"
fi
grep -q "Could not load the model" "$out/missing.err" ||
  fail "classify-meta: no error message for a missing model"

# ------------------------------------------------------- Python, messages
if "$python" -c 'import gi; gi.require_version("Gst", "1.0")' 2>"$out/gi.err"; then
  if "$python" "$classify_messages" "$model" --labels "$labels" --frames $frames \
      >"$out/messages.out" 2>"$out/messages.err"; then
    :
  else
    fail "classify-messages.py exited with $?"
  fi
  show "classify-messages.py stdout" "$out/messages.out"
  show "classify-messages.py stderr" "$out/messages.err"
  # frame N: class-K 0.1234 [class-K, ...] with the default top-k of 5.
  n=$(grep -cE '^frame [0-9]+: class-[0-9] [01]\.[0-9]{4} \[class-[0-9](, class-[0-9]){4}\]$' \
      "$out/messages.out" || true)
  [ "$n" -eq $frames ] || fail "classify-messages.py: $n message lines, expected $frames"
  grep -qx "$frames vkinception messages" "$out/messages.out" ||
    fail "classify-messages.py: no summary line"

  # Both read the same result: the first frame's best class agrees.
  c_top=$(sed -n 's/^frame 0: \(class-[0-9]\) .*/\1/p' "$out/meta.out")
  py_top=$(sed -n 's/^frame 0: \(class-[0-9]\) .*/\1/p' "$out/messages.out")
  if [ -z "$c_top" ] || [ "$c_top" != "$py_top" ]; then
    fail "frame 0: meta says '$c_top', message says '$py_top'"
  fi

  # interval=3: only frames 0 and 3 of 6 are classified and posted.
  if "$python" "$classify_messages" "$model" --pipeline \
      "videotestsrc num-buffers=6 ! vkinception name=classifier interval=3 ! fakesink" \
      >"$out/interval.out" 2>"$out/interval.err"; then
    :
  else
    fail "classify-messages.py (interval=3) exited with $?"
  fi
  show "classify-messages.py interval=3 stdout" "$out/interval.out"
  show "classify-messages.py interval=3 stderr" "$out/interval.err"
  frames_posted=$(sed -n 's/^frame \([0-9]*\):.*/\1/p' "$out/interval.out" | tr '\n' ' ')
  [ "$frames_posted" = "0 3 " ] ||
    fail "interval=3: messages for frames '$frames_posted', expected '0 3 '"
else
  cat "$out/gi.err" >&2
  fail "$python cannot import PyGObject with Gst 1.0 (Debian: python3-gi gir1.2-gstreamer-1.0)"
fi

[ $status -eq 0 ] && echo "examples: OK"
exit $status
