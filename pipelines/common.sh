# Sourced by the pipeline scripts (not run on its own): their usage text,
# the plugin from the build tree, the overlay, and argument checks.

# Prints the script's "Usage:" comment block and exits 2.
usage() {
  sed -n '/^# Usage:/,/^# Environment:/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

# Runs from the build directory without installing: when
# <checkout>/build/plugin/libgstvkinception.so exists it goes first in
# GST_PLUGIN_PATH, else the installed plugin is used.
root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
build=${VKI_BUILD_DIR:-$root/build}
if [ -f "$build/plugin/libgstvkinception.so" ]; then
  GST_PLUGIN_PATH=$build/plugin${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}
  export GST_PLUGIN_PATH
fi

model=${VKINCEPTION_MODEL:-}
labels=${VKINCEPTION_LABELS:-}

# Fails with one line unless each non-empty argument names a file.
check_files() {
  for f in "$@"; do
    [ -z "$f" ] || [ -f "$f" ] || { echo "$0: $f: no such file" >&2; exit 1; }
  done
}

# vkinceptionoverlay draws the result; a plugin built without it still
# classifies (the messages and meta are there), the video is not annotated.
choose_overlay() {
  if gst-inspect-1.0 vkinceptionoverlay >/dev/null 2>&1; then
    overlay=vkinceptionoverlay
  else
    echo "$0: vkinceptionoverlay not found: the video will not be annotated" >&2
    overlay=identity
  fi
}
