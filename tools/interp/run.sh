#!/bin/sh
# The interpreter proxy of issue 9 in Mono's IL interpreter (docs/performance.md, "Interpreter proxy"):
#   1. the proxy command (tests/HssDevice.Benchmarks/Proxy) built for net461, run with `mono --interpreter`:
#      MB/s and wake-ups per packet, engine beside the zero-work device, defaults and board settings;
#   2. a call profile per packet of the engine and of the zero-work device (`mono --interpreter --profile=log:calls`), the difference of a
#      1 MiB and a 2 MiB run so that start-up cancels, for each direction and write size.
# Usage: tools/interp/run.sh [proxy options, e.g. --bytes 4194304 --runs 3]   (installs Mono when missing)
set -eu
cd "$(dirname "$0")/../.."
if ! command -v mono >/dev/null || ! command -v mcs >/dev/null || [ ! -f /usr/lib/libmono-profiler-log.so ]; then
    tools/interp/install.sh
fi

out="${TMPDIR:-/tmp}/hss-interp"
mkdir -p "$out"
dotnet build tools/interp/HssDevice.Interp -c Release -nologo -v q
exe=tools/interp/HssDevice.Interp/bin/Release/net461/HssDevice.Interp.exe
mcs -r:/usr/lib/mono/4.5/Mono.Profiler.Log.dll -out:"$out/MlpdCalls.exe" tools/interp/MlpdCalls.cs

echo "== $(date -u +%H:%M) UTC, load: $(uptime | sed 's/.*load average: //')"
echo "== mono --interpreter: proxy $*"
mono --interpreter "$exe" "$@"

packets_of() {
    sed -n 's/.*"packets":\([0-9]*\).*/\1/p' "$1" | head -n 1
}

for device in engine zero-work; do
    for direction in device-to-host host-to-device; do
        for size in 1024 16384; do
            run="$device-$direction-$size"
            for bytes in 1048576 2097152; do
                mono --interpreter --profile=log:calls,output="$out/$run-$bytes.mlpd" "$exe" \
                    --json --runs 1 --warmup-bytes 0 --bytes "$bytes" --settings defaults --devices "$device" \
                    --directions "$direction" --sizes "$size" > "$out/$run-$bytes.json"
            done

            echo "== call profile: $device, defaults, $direction, $size-byte writes"
            mono "$out/MlpdCalls.exe" \
                "$out/$run-1048576.mlpd" "$(packets_of "$out/$run-1048576.json")" \
                "$out/$run-2097152.mlpd" "$(packets_of "$out/$run-2097152.json")" 30
        done
    done
done
echo "== done $(date -u +%H:%M) UTC, load: $(uptime | sed 's/.*load average: //')"
