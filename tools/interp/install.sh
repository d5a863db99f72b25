#!/bin/sh
# Installs what tools/interp/run.sh needs (Debian 12): Mono 6.8's runtime with its IL interpreter, the class
# libraries the proxy uses, the log profiler (libmono-profiler: libmono-profiler-log.so and Mono.Profiler.Log.dll)
# and mcs with the 4.5 reference assemblies (libmono-corlib4.5-dll) to compile the profile reader.
# Not needed by `dotnet test HssDevice.sln`.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends mono-runtime mono-mcs libmono-profiler libmono-corlib4.5-dll \
    libmono-system-core4.0-cil libmono-system4.0-cil
