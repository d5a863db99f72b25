#!/usr/bin/env bash
# Boots the rig's Linux guest in QEMU (TCG, no network) on this machine's kernel from /boot, with this machine's
# root shared read-only over 9p. The guest reaches a USB/IP server on this machine through a virtio-serial port:
# QEMU connects out to --usbip ADDR:PORT (and reconnects after each close), and in the guest 127.0.0.1:3240 relays
# to it, so `usbip attach -r 127.0.0.1 -b 1-1` attaches the device served there. See docs/linux-usb.md.
#
#   run-guest.sh [--usbip ADDR:PORT] [--ctl ADDR:PORT] [--log FILE] [--memory MB] [--cache DIR] [--keep DIR]
#
#   --usbip  where `hss emulate --usbip` listens (default 127.0.0.1:3240)
#   --ctl    QEMU connects to this listener for the guest agent's command channel (tests use it); without it the
#            serial console is an interactive shell on this terminal
#   --log    kernel console to this file instead of the terminal (only with --ctl)
#   --cache  where the initramfs is built and kept (default ${XDG_CACHE_HOME:-$HOME/.cache}/hss-linux-usb)
#   --keep   folder the guest mounts back from this machine where its tmpfs mounts (/tmp, /run, /var/tmp, /root)
#            would hide it (default: this checkout, so that a clone anywhere works); '' for none (tests use it)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
keep=$(cd "$here/../.." && pwd -P)
usbip=127.0.0.1:3240
ctl=""
log=""
memory=768
cache=${XDG_CACHE_HOME:-$HOME/.cache}/hss-linux-usb
while [ $# -gt 0 ]; do
  case "$1" in
    --usbip) usbip=$2; shift 2 ;;
    --ctl) ctl=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --memory) memory=$2; shift 2 ;;
    --cache) cache=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "run-guest: unknown argument $1" >&2; exit 1 ;;
  esac
done
kver=$(ls /lib/modules | sort -V | tail -1)
kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || { echo "run-guest: no readable kernel $kernel (run tools/linux-usb/install.sh)" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null || { echo "run-guest: qemu-system-x86_64 missing (run tools/linux-usb/install.sh)" >&2; exit 2; }
# The initramfs is rebuilt when the kernel or the rig's scripts change.
stamp=$(cat "$here/build-initramfs.sh" "$here/guest-init.sh" | sha256sum | cut -c1-12)
initramfs=$cache/initramfs-$kver-$stamp.cpio.gz
mkdir -p "$cache"
if [ ! -s "$initramfs" ]; then
  "$here/build-initramfs.sh" "$initramfs" "$kver" >&2
fi
host_port() { echo "host=${1%:*},port=${1##*:}"; }
args=(
  -accel tcg -m "$memory" -smp 1 -nodefaults -no-reboot -display none
  -kernel "$kernel" -initrd "$initramfs"
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
  -device virtio-serial-pci
  -chardev "socket,id=usbip,$(host_port "$usbip"),reconnect=1"
  -device virtserialport,chardev=usbip,name=hss.usbip
)
for path in "$here" "$keep"; do
  case "$path" in
    *[[:space:]]*) echo "run-guest: the path $path has white space, which the kernel command line cannot carry" >&2; exit 2 ;;
  esac
done
cmdline="console=ttyS0 panic=-1 hss.run=$here/guest-agent.sh"
if [ -n "$keep" ]; then cmdline="$cmdline hss.keep=$keep"; fi
if [ -n "$ctl" ]; then
  args+=(-chardev "socket,id=ctl,$(host_port "$ctl")" -device virtserialport,chardev=ctl,name=hss.ctl)
  if [ -n "$log" ]; then args+=(-serial "file:$log"); else args+=(-serial stdio); fi
else
  args+=(-serial mon:stdio)
fi
exec qemu-system-x86_64 "${args[@]}" -append "$cmdline"
