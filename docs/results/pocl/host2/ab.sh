#!/usr/bin/env bash
# The focused before/after pairs in ab/ (cpu kernel family, and the CPU backend at 65,536), run when the shared machine
# was quieter (load average 2-4), 5 interleaved pairs each. Usage: OLD=old/FrameBudget.dll NEW=new/FrameBudget.dll bash ab.sh OUT_DIR
set -euo pipefail
out="${1:?OUT_DIR}"; mkdir -p "$out"
run() { # side dll json-name args...
  local side=$1 dll=$2 name=$3; shift 3
  dotnet "$dll" "$@" --json "$out/$side-$name.json" > /dev/null
}
for n_args in "16384 100 30" "65536 40 20" "1024 200 100"; do
  read -r n ticks warmup <<< "$n_args"
  for i in 1 2 3 4 5; do
    for side in before after; do
      dll=$([ "$side" = before ] && echo "$OLD" || echo "$NEW")
      EMBEDDEDLEARN_OPENCL_KERNELS=cpu run "$side" "$dll" "cpu-n$n-r$i" --backend opencl --threads 2 --entities "$n" --ticks "$ticks" --warmup "$warmup"
      if [ "$n" = 1024 ]; then
        run "$side" "$dll" "cpubackend-n65536-r$i" --backend cpu --threads 2 --entities 65536 --ticks 40 --warmup 20
      fi
    done
  done
done
