#!/bin/sh
# Installs the Debian 12 packages needed to build and test gst-vkinception,
# only those that are missing. Needs root (or sudo) for apt-get.
set -eu

PACKAGES="
  gcc pkg-config meson ninja-build
  libglib2.0-dev
  libvulkan-dev glslc mesa-vulkan-drivers vulkan-validationlayers
  libprotobuf-c-dev protobuf-c-compiler libonnx-dev libonnx-testdata
  libpng-dev libjpeg-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  libpango1.0-dev libcairo2-dev fonts-dejavu-core
  python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0
  python3 python3-numpy python3-torch python3-torchvision python3-onnx
  valgrind
"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done

if [ -n "$missing" ]; then
  echo "Installing:$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi
