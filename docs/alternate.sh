#!/usr/bin/env bash
# A change against the commit before it, measured in alternation so that both see the same machine load: builds the
# frame-budget runner at BEFORE (a git worktree under /tmp) and in this tree, then runs them one after the other,
# ROUNDS times at N entities on one thread, and prints each run's p50 and min tick.
# bash docs/alternate.sh BEFORE N [ROUNDS]   (ROUNDS defaults to 3; 3,000 ticks after 1,000 up to N = 2,048, 300 after 100 above)
set -euo pipefail
cd "$(dirname "$0")/.."
before="$1"; n="$2"; rounds="${3:-3}"
base="/tmp/embeddedlearn-before-$(git rev-parse --short "$before")"
[ -d "$base" ] || git worktree add -f "$base" "$before" -q
dotnet build "$base/demos/FrameBudget" -c Release -v q -nologo >/dev/null
dotnet build demos/FrameBudget -c Release -v q -nologo >/dev/null
ticks=$(( n > 2048 ? 300 : 3000 )); warm=$(( n > 2048 ? 100 : 1000 ))
for r in $(seq 1 "$rounds"); do
  for side in before after; do
    dir=$([ "$side" = before ] && echo "$base" || pwd)
    dotnet "$dir/demos/FrameBudget/bin/Release/net10.0/FrameBudget.dll" --entities "$n" --threads 1 --ticks "$ticks" \
      --warmup "$warm" --json "/tmp/alternate-$side.json" >/dev/null
    python3 -c "import json,sys; j=json.load(open(sys.argv[1])); j=j[0] if isinstance(j,list) else j; print(sys.argv[2], 'N', sys.argv[3], 'p50', j['p50_ms'], 'min', j['min_ms'])" \
      "/tmp/alternate-$side.json" "$side" "$n"
  done
done
