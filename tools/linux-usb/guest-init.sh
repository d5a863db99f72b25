#!/bin/sh
# /init of the rig's initramfs (busybox). Loads the modules, mounts this machine's root read-only over 9p at
# /mnt/host, makes the few writable places a userspace needs, and runs the host's own userspace there (chroot)
# with the command given as hss.run= on the kernel command line. See docs/linux-usb.md.
export PATH=/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "hss-guest: $*" >/dev/console; }
fail() { say "FAILED: $*"; poweroff -f; }
while read -r module; do
  insmod "/modules/$module" || fail "insmod $module"
done </modules/load-order
ifconfig lo 127.0.0.1 up || fail "loopback"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /mnt/host || fail "9p mount of hostroot"
h=/mnt/host
mount -t proc proc $h/proc
mount -t sysfs sysfs $h/sys
mount -t devtmpfs devtmpfs $h/dev
mkdir -p /dev/pts 2>/dev/null
mount -t devpts devpts $h/dev/pts 2>/dev/null
for d in tmp run var/tmp root; do
  mount -t tmpfs -o mode=1777 tmpfs $h/$d || fail "tmpfs on /$d"
done
run=""
for word in $(cat /proc/cmdline); do
  case "$word" in
    hss.run=*) run="${word#hss.run=}" ;;
  esac
done
[ -n "$run" ] || fail "no hss.run= on the kernel command line"
say "userspace up, running $run"
chroot $h /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=linux /bin/sh "$run"
say "exited with $?"
poweroff -f
