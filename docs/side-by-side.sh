#!/usr/bin/env bash
# EmbeddedLearn's CPU tick and TorchSharp's bmm idiom on the swarm workload, measured side by side in one run:
# the two alternate ROUNDS times at each N (one thread), so both see the same machine load, and the script prints
# each round's p50 (and EmbeddedLearn's best tick) with the ratio. Raw JSON under OUT_DIR.
# bash docs/side-by-side.sh [OUT_DIR] [ROUNDS]   (defaults docs/results/side-by-side, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs/results/side-by-side}"
rounds="${2:-3}"
mkdir -p "$out"
dotnet build demos/FrameBudget -c Release -v q -nologo >/dev/null
for n in 1024 16384; do
  el_ticks=$(( n >= 16384 ? 300 : 3000 )); el_warm=$(( n >= 16384 ? 100 : 1000 ))
  ts_ticks=$(( n >= 16384 ? 20 : 200 ))
  for r in $(seq 1 "$rounds"); do
    dotnet demos/FrameBudget/bin/Release/net10.0/FrameBudget.dll --entities "$n" --threads 1 --ticks "$el_ticks" \
      --warmup "$el_warm" --json "$out/el-n$n-r$r.json" >/dev/null
    peer/run-peer.sh --entities "$n" --idiom bmm --ticks "$ts_ticks" --warmup 5 --threads 1 --json "$out/ts-n$n-r$r.json" >/dev/null
  done
done
python3 - "$out" "$rounds" <<'PY'
import json, sys
out, rounds = sys.argv[1], int(sys.argv[2])
print("| N | round | EmbeddedLearn min ms | EmbeddedLearn p50 ms | TorchSharp bmm p50 ms | ratio of p50s |")
print("|--:|--:|--:|--:|--:|--:|")
for n in (1024, 16384):
    for r in range(1, rounds + 1):
        el = json.load(open(f"{out}/el-n{n}-r{r}.json"))
        el = el[0] if isinstance(el, list) else el
        ts = json.load(open(f"{out}/ts-n{n}-r{r}.json"))
        ts = ts[0] if isinstance(ts, list) else ts
        print(f"| {n:,} | {r} | {el['min_ms']:.3f} | {el['p50_ms']:.3f} | {ts['p50_ms']:.3f} | {ts['p50_ms'] / el['p50_ms']:.1f}x |")
PY
