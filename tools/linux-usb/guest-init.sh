#!/bin/sh
# /init of the rig's initramfs (busybox). Loads the modules, mounts this machine's root read-only over 9p at
# /mnt/host, makes the few writable places a userspace needs, and runs the host's own userspace there (chroot)
# with the command given as hss.run= on the kernel command line. The writable places are tmpfs over /tmp, /run,
# /var/tmp and /root, which would hide a checkout under them: the folder named by hss.keep= (the repository) is
# mounted back in from the 9p share. See docs/linux-usb.md.
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
# A second view of the share without the mounts below, to bring back what the tmpfs mounts cover.
mkdir -p /mnt/share
mount --bind $h /mnt/share || fail "bind mount of the 9p share"
mount -t proc proc $h/proc
mount -t sysfs sysfs $h/sys
mount -t devtmpfs devtmpfs $h/dev
mkdir -p /dev/pts 2>/dev/null
mount -t devpts devpts $h/dev/pts 2>/dev/null
for d in tmp run var/tmp root; do
  mount -t tmpfs -o mode=1777 tmpfs $h/$d || fail "tmpfs on /$d"
done
run=""
keep=""
for word in $(cat /proc/cmdline); do
  case "$word" in
    hss.run=*) run="${word#hss.run=}" ;;
    hss.keep=*) keep="${word#hss.keep=}" ;;
  esac
done
[ -n "$run" ] || fail "no hss.run= on the kernel command line"
if [ -n "$keep" ]; then
  for d in tmp run var/tmp root; do
    case "$keep/" in
      /$d/*)
        mkdir -p "$h$keep" && mount --bind "/mnt/share$keep" "$h$keep" || fail "cannot mount $keep back over the tmpfs on /$d" ;;
    esac
  done
fi
if [ ! -r "$h$run" ]; then
  why="not found in this machine's root file system as the guest sees it over 9p"
  for d in tmp run var/tmp root; do
    case "$run" in /$d/*) why="hidden by the guest's tmpfs on /$d, and not kept (hss.keep=$keep; run-guest.sh --keep)" ;; esac
  done
  fail "the guest cannot see the checkout: $run is $why"
fi
say "userspace up, running $run"
chroot $h /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=linux /bin/sh "$run"
say "exited with $?"
poweroff -f
