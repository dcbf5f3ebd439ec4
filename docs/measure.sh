#!/usr/bin/env bash
# Records the README's performance figures on this machine: the frame-budget runner (CPU at 1 and 2 threads,
# OpenCL through whatever device is there), the TorchSharp peer, and the report (markdown table + PNG chart).
# Run on a quiet machine: bash docs/measure.sh [OUT_DIR]   (default docs/results)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/results}"
mkdir -p "$out/runs"
dotnet build demos/FrameBudget -c Release -v q -nologo >/dev/null
run() { dotnet demos/FrameBudget/bin/Release/net10.0/FrameBudget.dll "$@"; }
# The machine's own limits first: the FMA peak of one core (C reference and the runner's) and its bandwidth.
bash docs/machine-peak/run.sh | tee "$out/runs/machine-peak.txt"
# The stage split of the swarm tick at N = 1,024 (stage timers on; the runs below leave them off).
run --entities 1024 --threads 1 --ticks 5000 --stages --json "$out/runs/cpu-n1024-t1-stages.json" | tee "$out/runs/cpu-n1024-t1-stages.txt"
for n in 1 64 1024 16384; do
  ticks=$(( n >= 16384 ? 300 : 5000 ))
  for t in 1 2; do
    run --entities "$n" --threads "$t" --ticks "$ticks" --warmup "$(( n >= 16384 ? 100 : 1000 ))" --json "$out/runs/cpu-n$n-t$t.json" | tee "$out/runs/cpu-n$n-t$t.txt"
  done
  ocl_ticks=$(( n >= 16384 ? 20 : 200 ))
  run --entities "$n" --backend opencl --ticks "$ocl_ticks" --warmup "$(( n >= 16384 ? 5 : 50 ))" --json "$out/runs/opencl-n$n.json" | tee "$out/runs/opencl-n$n.txt" || echo "OpenCL run skipped (no device)"
done
if [ "${SKIP_PEER:-0}" != 1 ]; then
  for n in 1 64 1024 16384; do
    for t in 1 2; do
      ticks=$(( n >= 16384 ? 20 : 200 ))
      peer/run-peer.sh --entities "$n" --idiom bmm --ticks "$ticks" --warmup 5 --threads "$t" --json "$out/runs/torchsharp-bmm-n$n-t$t.json" | tee "$out/runs/torchsharp-bmm-n$n-t$t.txt"
    done
  done
  for n in 1 64 1024; do
    ticks=$(( n >= 1024 ? 20 : 100 ))
    peer/run-peer.sh --entities "$n" --idiom modules --ticks "$ticks" --warmup 3 --threads 1 --json "$out/runs/torchsharp-modules-n$n-t1.json" | tee "$out/runs/torchsharp-modules-n$n-t1.txt"
  done
fi
dotnet run -c Release --project demos/BudgetReport -- --inputs "$out/runs" --png "$out/time-per-tick.png" --markdown "$out/table.md"
