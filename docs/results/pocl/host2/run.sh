#!/usr/bin/env bash
# Host work per tick on PoCL, before (OLD: a FrameBudget build of the branch point, 50d3ad7) and after (this tree's Release
# build), swarm 8-32-32-2, batch 4, SGD, 2 threads, back to back, ROUNDS times (default 3) so that medians can be taken
# on a shared, noisy machine. Usage: OLD=/path/to/old/FrameBudget.dll [NEW=/path/to/new/FrameBudget.dll] bash run.sh OUT_DIR
set -euo pipefail
out="${1:?OUT_DIR}"; mkdir -p "$out"
new="${NEW:-demos/FrameBudget/bin/Release/net10.0/FrameBudget.dll}"
rounds="${ROUNDS:-3}"
for round in $(seq 1 "$rounds"); do
  for n in 1024 16384 65536; do
    if [ "$n" -ge 16384 ]; then ticks=40; warmup=20; else ticks=200; warmup=100; fi
    for k in cpu gpu; do
      if [ "$k" = gpu ] && [ "$n" -ge 16384 ]; then t=20; w=5; else t=$ticks; w=$warmup; fi
      for side in before after; do
        dll=$([ "$side" = before ] && echo "$OLD" || echo "$new")
        EMBEDDEDLEARN_OPENCL_KERNELS=$k dotnet "$dll" --backend opencl --threads 2 --entities "$n" --ticks "$t" --warmup "$w" \
          --json "$out/$side-$k-n$n-r$round.json" > /dev/null
      done
    done
    for side in before after; do
      dll=$([ "$side" = before ] && echo "$OLD" || echo "$new")
      dotnet "$dll" --backend cpu --threads 2 --entities "$n" --ticks "$ticks" --warmup "$warmup" --json "$out/$side-cpubackend-n$n-r$round.json" > /dev/null
    done
  done
done
