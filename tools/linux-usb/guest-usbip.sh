#!/bin/sh
# USB/IP chores inside the rig's guest (docs/linux-usb.md), for tests and people alike:
#   guest-usbip.sh attach [BUSID]          usbip attach -r 127.0.0.1 -b BUSID (default 1-1)
#   guest-usbip.sh wait-device VID:PID [S] wait until the device is enumerated and configured (default 30 s)
#   guest-usbip.sh wait-gone VID:PID [S]   wait until it has left
#   guest-usbip.sh detach                  detach every vhci port in use
#   guest-usbip.sh sysfs VID:PID           the device's sysfs folder
set -u
sysfs_of() {
  vid=${1%:*}; pid=${1#*:}
  for d in /sys/bus/usb/devices/*; do
    [ -f "$d/idVendor" ] || continue
    if [ "$(cat "$d/idVendor")" = "$vid" ] && [ "$(cat "$d/idProduct")" = "$pid" ]; then echo "$d"; return 0; fi
  done
  return 1
}
case "${1:-}" in
  attach)
    exec usbip attach -r 127.0.0.1 -b "${2:-1-1}" ;;
  wait-device)
    n=$(( ${3:-30} * 10 ))
    while [ "$n" -gt 0 ]; do
      if d=$(sysfs_of "$2") && [ "$(cat "$d/bConfigurationValue" 2>/dev/null)" = 1 ]; then echo "$d"; exit 0; fi
      sleep 0.1; n=$((n - 1))
    done
    echo "device $2 not configured within ${3:-30} s"; exit 1 ;;
  wait-gone)
    n=$(( ${3:-30} * 10 ))
    while [ "$n" -gt 0 ]; do
      sysfs_of "$2" >/dev/null || exit 0
      sleep 0.1; n=$((n - 1))
    done
    echo "device $2 still present after ${3:-30} s"; exit 1 ;;
  detach)
    rc=0
    for p in $(usbip port 2>/dev/null | sed -n 's/^Port \([0-9]*\): <Port in Use>.*/\1/p'); do
      usbip detach -p "$p" || rc=1
    done
    exit $rc ;;
  sysfs)
    sysfs_of "$2" ;;
  *)
    sed -n '2,8p' "$0"; exit 2 ;;
esac
