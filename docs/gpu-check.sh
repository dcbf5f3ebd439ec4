#!/usr/bin/env bash
# GPU check: on a machine with a GPU and its OpenCL ICD, runs
#   1. the parity command on the GPU over every libtorch fixture file in tests/EmbeddedLearn.Tests/Data/, and
#   2. the frame-loop runner (swarm 8-32-32-2, batch 4) at N = 1,024, 16,384, 262,144 and 1,048,576, fused and
#      with one launch per stage (device time per stage from OpenCL profiling events),
# writing the outputs, JSON files and a markdown table (table.md) into docs/results/gpu/.
#
#   bash docs/gpu-check.sh                       # everything, on the first GPU (EMBEDDEDLEARN_OPENCL_DEVICE picks another)
#   GPU_CHECK_SIZES="1024 16384" bash docs/gpu-check.sh
#   GPU_CHECK_ALLOW_CPU=1 GPU_CHECK_OUT=/tmp/x bash docs/gpu-check.sh   # dry run on PoCL, not a GPU result
#
# Exit status: 0 all parity cases passed and every run finished; 1 a parity case failed or a run failed;
# 2 no OpenCL ICD, no GPU, or a missing tool.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${GPU_CHECK_OUT:-docs/results/gpu}"
sizes="${GPU_CHECK_SIZES:-1024 16384 262144 1048576}"
allow_cpu="${GPU_CHECK_ALLOW_CPU:-0}"
icd_dir="${OCL_ICD_VENDORS:-/etc/OpenCL/vendors}"

die() { echo "gpu-check: $*" >&2; exit 2; }

command -v dotnet >/dev/null || die "dotnet (the .NET 10 SDK) is not on PATH."
command -v python3 >/dev/null || die "python3 is needed to write the markdown table."
if ! compgen -G "$icd_dir/*.icd" >/dev/null; then
  die "no OpenCL ICD registered in $icd_dir (no *.icd file). Install the GPU vendor's OpenCL driver, e.g. NVIDIA:
  the driver's OpenCL library and /etc/OpenCL/vendors/nvidia.icd (libnvidia-compute / nvidia-opencl-icd);
  AMD: ROCm's OpenCL runtime; Intel: intel-opencl-icd. Then run this script again."
fi

mkdir -p "$out"
echo "gpu-check: building (Release)"
dotnet build -c Release demos/Parity -v q -nologo >/dev/null
dotnet build -c Release demos/FrameBudget -v q -nologo >/dev/null

status=0
device_line=""
for fixture in tests/EmbeddedLearn.Tests/Data/*.json; do
  name="$(basename "$fixture" .json)"
  log="$out/parity-$name.txt"
  echo "gpu-check: parity $fixture"
  if ! dotnet run -c Release --no-build --project demos/Parity -- --fixture "$fixture" --backend opencl >"$log" 2>&1; then
    status=1
  fi
  tail -n 1 "$log"
  device_line="$(grep -m1 '^backend: opencl' "$log" || true)"
  if [ -z "$device_line" ]; then
    cat "$log" >&2
    die "the parity run found no usable OpenCL device (its output is above and in $log)."
  fi
  if [ "$allow_cpu" != 1 ] && ! grep -q '(Gpu)' <<<"$device_line"; then
    die "the OpenCL device is not a GPU: $device_line (set GPU_CHECK_ALLOW_CPU=1 for a dry run)."
  fi
done

for n in $sizes; do
  if [ "$n" -ge 262144 ]; then ticks=100; warmup=20; else ticks=300; warmup=100; fi
  for mode in fused unfused; do
    flag=""
    [ "$mode" = unfused ] && flag="--unfused"
    echo "gpu-check: frame loop N=$n ($mode)"
    if ! dotnet run -c Release --no-build --project demos/FrameBudget -- --entities "$n" --layout 8,32,32,2 --batch 4 \
        --threads 1 --backend opencl --ticks "$ticks" --warmup "$warmup" $flag \
        --json "$out/framebudget-n$n-$mode.json" >"$out/framebudget-n$n-$mode.txt" 2>&1; then
      echo "gpu-check: the frame-loop run N=$n ($mode) failed; see $out/framebudget-n$n-$mode.txt" >&2
      status=1
    fi
  done
done

python3 - "$out" "$device_line" <<'PY'
import glob, json, os, re, sys
out, device = sys.argv[1], sys.argv[2]
rows = []
for path in sorted(glob.glob(os.path.join(out, "framebudget-n*-*.json")), key=lambda p: (int(re.search(r"-n(\d+)-", p).group(1)), p)):
    r = json.load(open(path))
    mode = "fused" if path.endswith("-fused.json") else "per stage"
    dev = ", ".join(f"{k} {v:.3f}" for k, v in r.get("device_ms", {}).items())
    rows.append(f"| {r['entities']:,} | {mode} | {r['p50_ms']:.3f} | {r['p95_ms']:.3f} | {r['max_ms']:.3f} | {dev} | {r['allocated_bytes_per_tick']:.0f} |")
parity = []
for path in sorted(glob.glob(os.path.join(out, "parity-*.txt"))):
    lines = [l for l in open(path).read().splitlines() if l.strip()]
    parity.append(f"| {os.path.basename(path)[7:-4]} | {lines[-1] if lines else '(no output)'} |")
with open(os.path.join(out, "table.md"), "w") as f:
    f.write(f"Device: {device}\n\nParity (libtorch fixtures):\n\n| fixture | result |\n|---|---|\n" + "\n".join(parity) + "\n\n")
    f.write("Swarm 8-32-32-2, batch 4, frame-loop runner, ms per tick:\n\n| N | launches | p50 | p95 | max | device ms per tick by kernel | bytes allocated per tick |\n|---:|---|---:|---:|---:|---|---:|\n")
    f.write("\n".join(rows) + "\n")
print(open(os.path.join(out, "table.md")).read())
PY
exit "$status"
