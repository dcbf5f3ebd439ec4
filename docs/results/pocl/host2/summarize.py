#!/usr/bin/env python3
"""Medians over the rounds of run.sh's JSON files: tick p50, device (p50 - host) and host ms per tick, ns per entity."""
import glob, json, os, statistics, sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rows = {}
for path in glob.glob(os.path.join(out, "*.json")):
    side, kind, n, _ = os.path.basename(path)[:-5].split("-")
    d = json.load(open(path))
    rows.setdefault((int(n[1:]), kind, side), []).append(d)

def med(ds, key):
    return statistics.median(d[key] for d in ds if d.get(key) is not None)

print("| N | run | before: p50 / host ms (ns per entity) | after: p50 / host ms (ns per entity) | host after/before |")
print("|--:|---|---|---|--:|")
for n in sorted({k[0] for k in rows}):
    for kind in ("cpu", "gpu", "cpubackend"):
        b, a = rows.get((n, kind, "before")), rows.get((n, kind, "after"))
        if not b or not a:
            continue
        if kind == "cpubackend":
            print(f"| {n:,} | CPU backend, 2 threads (p50 only) | {med(b,'p50_ms'):.2f} ({len(b)} runs) | {med(a,'p50_ms'):.2f} ({len(a)} runs) | |")
            continue
        hb, ha = med(b, "host_ms"), med(a, "host_ms")
        print(f"| {n:,} | opencl, {kind} family | {med(b,'p50_ms'):.2f} / {hb:.3f} ({hb*1e6/n:.0f} ns) | "
              f"{med(a,'p50_ms'):.2f} / {ha:.3f} ({ha*1e6/n:.0f} ns) | {ha/hb:.2f} |")
