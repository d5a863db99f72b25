#!/usr/bin/env bash
# Brings the nanoFramework projects in step with the net10.0 build: rewrites each .nfproj Compile list from its
# SDK-style twin and the nanoFramework package versions (packages.config, HintPaths, .nuspec) from nf.props, then
# checks everything (the same rules tests/HssDevice.Projects.Tests enforces).
#   tools/sync-nfproj.sh          fix, then check
#   tools/sync-nfproj.sh check    check only (exit 1 on any problem)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec dotnet run --project "$root/tools/NfProjSync/NfProjSync.csproj" -- "${1:-fix}" --root "$root"
