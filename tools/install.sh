#!/usr/bin/env bash
# Installs every Debian package the test command needs, only those missing; does nothing when all are present.
# - the real-kernel USB rig (QEMU, a kernel, usbip tools): tools/linux-usb/install.sh, docs/linux-usb.md
# - the native USB function's C build and unit tests (gcc, CMake, Ninja, cmocka): firmware/native, docs/firmware.md
# - the capture tests (tshark, Debian's build has Lua 5.2 for tools/wireshark/hss.lua): tests/HssDevice.Capture.Tests,
#   docs/tool.md; noninteractive install keeps debconf's default (no setuid dumpcap), which the tests do not need
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/linux-usb/install.sh"
packages=(gcc cmake ninja-build libcmocka-dev pkg-config tshark)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0
echo "install: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
