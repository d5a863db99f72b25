#!/usr/bin/env bash
# Throughput through a real Linux kernel and libusb, both directions (docs/benchmarks-usb.md): boots the rig's
# guest, runs `hss host --usb` there with a TCP sink and source, and moves --bytes through the device engine served
# over USB/IP from this machine. Options: [--bytes N] [--runs N] [--board NAME] [--speed full|high]
# [--profile vendor|cdc] [--reference] [--native]. Defaults: 4 MiB, 3 runs, stm32f769i-discovery, high speed, vendor.
# --native serves the device through the C core (firmware/native) and its USB/IP port instead of the C# emulation.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
dotnet build "$here/tests/HssDevice.RealKernelBench" -c Release -v q -nologo >&2
exec dotnet "$here/tests/HssDevice.RealKernelBench/bin/Release/net10.0/HssDevice.RealKernelBench.dll" "$@"
