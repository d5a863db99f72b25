#!/usr/bin/env bash
# Builds the rig's tiny initramfs: busybox-static, the kernel modules the guest needs (with their dependencies,
# in load order) and guest-init.sh as /init. Usage: build-initramfs.sh OUTPUT.cpio.gz [KERNEL_VERSION]
# The kernel version defaults to the newest in /lib/modules. See docs/linux-usb.md.
set -euo pipefail
out=${1:?usage: build-initramfs.sh OUTPUT.cpio.gz [KERNEL_VERSION]}
kver=${2:-$(ls /lib/modules | sort -V | tail -1)}
here=$(cd "$(dirname "$0")" && pwd)
# virtio transport + console ports, 9p root share, the USB/IP client host controller.
wanted=(virtio_pci virtio_console 9pnet_virtio 9p vhci-hcd)
busybox=$(command -v busybox || true)
if [ -z "$busybox" ] || ! file -L "$busybox" | grep -q 'statically linked'; then
  busybox=/bin/busybox
fi
[ -x "$busybox" ] || { echo "build-initramfs: busybox-static missing (run tools/linux-usb/install.sh)" >&2; exit 2; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,mnt/host,modules}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
: >"$stage/modules/load-order"
for m in "${wanted[@]}"; do
  # modprobe prints "insmod PATH" in dependency order, "builtin NAME" for built-in ones.
  modprobe -S "$kver" --show-depends "$m" | while read -r kind path _; do
    [ "$kind" = insmod ] || continue
    name=$(basename "$path")
    if ! grep -qx "$name" "$stage/modules/load-order"; then
      cp "$path" "$stage/modules/$name"
      echo "$name" >>"$stage/modules/load-order"
    fi
  done
done
# Compressed modules (.ko.xz/.ko.zst) would need a decompressing insmod; Debian 12 ships plain .ko.
if grep -qv '\.ko$' "$stage/modules/load-order"; then
  echo "build-initramfs: compressed modules are not supported: $(grep -v '\.ko$' "$stage/modules/load-order")" >&2
  exit 2
fi
cp "$here/guest-init.sh" "$stage/init"
chmod +x "$stage/init"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out: kernel $kver, modules: $(tr '\n' ' ' <"$stage/modules/load-order")"
