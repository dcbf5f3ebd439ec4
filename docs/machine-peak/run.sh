#!/usr/bin/env bash
# Builds the C reference FMA loop and the bandwidth loop (gcc -O2 -mavx2 -mfma) into a temporary folder, runs
# them, and runs the frame runner's own peak measurement right after, so the figures come from the same minute.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
gcc -O2 -mavx2 -mfma -o "$out/fma_peak" "$here/fma_peak.c"
objdump -d --no-show-raw-insn "$out/fma_peak" | awk '/<chains[.a-z0-9]*>:/,/ret/' | grep -c vfmadd | xargs echo "vfmadd instructions in chains():"
"$out/fma_peak"
gcc -O2 -mavx2 -mfma -o "$out/bandwidth" "$here/bandwidth.c"
"$out/bandwidth"
dotnet run -c Release --project "$repo/demos/FrameBudget" -- --fma-peak
