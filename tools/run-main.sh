#!/bin/sh
# The main job: installs what is missing, builds, then classifies live
# videotestsrc output with the bundled GoogLeNet in a GStreamer pipeline.
# Prints each frame's top-1 label as it goes and writes an annotated video
# and a PNG contact sheet (build/main-job/). Arguments go to
# tools/main-job.py (--frames, --patterns, --size, --model, --labels).
set -eu
cd "$(dirname "$0")/.."
./tools/build.sh
exec /usr/bin/python3 tools/main-job.py "$@"
