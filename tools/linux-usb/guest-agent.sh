#!/bin/sh
# Runs inside the guest on this machine's own userspace (guest-init.sh chroots into the 9p root). Starts the
# USB/IP relay (127.0.0.1:3240 <-> the virtio-serial port named hss.usbip), then either serves commands on the
# port named hss.ctl (one command per line; answers its output then a line "@@HSS-DONE <exit code>@@") or, when
# that port is absent, gives an interactive shell on the console. See docs/linux-usb.md.
port_dev() {
  for p in /sys/class/virtio-ports/*; do
    if [ "$(cat "$p/name" 2>/dev/null)" = "$1" ]; then echo "/dev/$(basename "$p")"; return 0; fi
  done
  return 1
}
usbip_port=$(port_dev hss.usbip) || { echo "hss-guest: no virtio port hss.usbip" >/dev/console; exit 2; }
# One relay per TCP connection: usbip attach connects, the kernel then owns the socket until detach. A virtio port
# opens once at a time, and the relay of the last connection may still hold it for a moment: retry while busy.
cat >/tmp/usbip-relay.sh <<RELAY
for i in \$(seq 100); do
  socat -t 0.1 - "OPEN:$usbip_port" 2>/tmp/usbip-relay.err && exit 0
  grep -q busy /tmp/usbip-relay.err || { cat /tmp/usbip-relay.err >>/tmp/socat.log; exit 1; }
  sleep 0.05
done
echo "relay: $usbip_port stayed busy" >>/tmp/socat.log
RELAY
socat -t 0.1 TCP-LISTEN:3240,bind=127.0.0.1,reuseaddr,fork "SYSTEM:sh /tmp/usbip-relay.sh" 2>>/tmp/socat.log &
echo $! >/tmp/socat.pid
if ctl=$(port_dev hss.ctl); then
  exec 3<>"$ctl"
  echo "hss-guest: agent ready on $ctl" >/dev/console
  printf '@@HSS-READY@@\n' >&3
  while IFS= read -r line <&3; do
    sh -c "$line" </dev/null >/tmp/agent.out 2>&1
    rc=$?
    cat /tmp/agent.out >&3
    printf '\n@@HSS-DONE %d@@\n' "$rc" >&3
  done
  echo "hss-guest: control port closed" >/dev/console
else
  echo "hss-guest: interactive shell (usbip attach -r 127.0.0.1 -b 1-1); 'poweroff -f' ends the guest" >/dev/console
  setsid sh -c 'exec sh </dev/console >/dev/console 2>&1'
fi
