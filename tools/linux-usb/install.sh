#!/usr/bin/env bash
# Installs the Debian packages the real-kernel USB rig needs (docs/linux-usb.md), only those missing.
# Safe to run on every CI start: it does nothing when everything is present.
set -euo pipefail
packages=(qemu-system-x86 linux-image-amd64 usbip usbutils busybox-static socat kmod cpio libusb-1.0-0)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
echo "linux-usb: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
