#!/usr/bin/env bash
# Host work per tick of the OpenCL executor on PoCL, before (OLD: a FrameBudget build of main at 233961e) and after,
# swarm 8-32-32-2, batch 4, SGD, back to back. Usage: OLD=/path/to/old/FrameBudget.dll bash run.sh OUT_DIR
set -euo pipefail
out="${1:?OUT_DIR}"; mkdir -p "$out"
new="demos/FrameBudget/bin/Release/net10.0/FrameBudget.dll"
for n in 1024 16384 65536; do
  if [ "$n" -ge 65536 ]; then ticks=40; warmup=20; else ticks=200; warmup=100; fi
  dotnet "$OLD" --backend opencl --entities "$n" --ticks "$ticks" --warmup "$warmup" --json "$out/before-n$n.json" > /dev/null
  for k in cpu gpu; do
    EMBEDDEDLEARN_OPENCL_KERNELS=$k dotnet "$new" --backend opencl --threads 2 --entities "$n" --ticks "$ticks" --warmup "$warmup" --json "$out/after-$k-n$n.json" > /dev/null
  done
  dotnet "$new" --backend cpu --threads 2 --entities "$n" --ticks "$ticks" --warmup "$warmup" --json "$out/cpu-n$n.json" > /dev/null
done
