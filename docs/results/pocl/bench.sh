#!/usr/bin/env bash
# The PoCL figures of the README's "GPU layout" section: before (BEFORE, a checkout of main at 8e6f1b8 with
# demos/FrameBudget built in Release) and after (this checkout, FrameBudget built in Release), back to back, one
# thread and two (POCL_MAX_PTHREAD_COUNT for PoCL). Writes JSON and text into OUT_DIR.
#   BEFORE=/path/to/old-checkout bash docs/results/pocl/bench.sh OUT_DIR
set -u
out="${1:?usage: BEFORE=DIR bench.sh OUT_DIR}"; mkdir -p "$out"
before="${BEFORE:?set BEFORE to the old checkout}"
after="$(cd "$(dirname "$0")/../../.." && pwd)"
run() { # tag dir threads n ticks warmup backend extra
  local tag=$1 dir=$2 th=$3 n=$4 ticks=$5 warm=$6 be=$7; shift 7
  (cd "$dir" && POCL_MAX_PTHREAD_COUNT=$th timeout 600 dotnet run -c Release --no-build --project demos/FrameBudget -- \
     --entities "$n" --layout 8,32,32,2 --batch 4 --threads "$th" --backend "$be" --ticks "$ticks" --warmup "$warm" "$@" \
     --json "$out/$tag.json" > "$out/$tag.txt" 2>&1)
  echo "$tag $(grep -m1 'tick ' "$out/$tag.txt")"
}
for th in 1 2; do
  run before-opencl-1024-t$th "$before" $th 1024 300 300 opencl
  run after-opencl-1024-t$th "$after" $th 1024 300 300 opencl
  run after-unfused-1024-t$th "$after" $th 1024 300 300 opencl --unfused
  run cpu-1024-t$th "$after" $th 1024 300 300 cpu
  run before-opencl-16384-t$th "$before" $th 16384 60 10 opencl
  run after-opencl-16384-t$th "$after" $th 16384 100 30 opencl
  run after-unfused-16384-t$th "$after" $th 16384 60 10 opencl --unfused
  run cpu-16384-t$th "$after" $th 16384 100 30 cpu
done
echo done
