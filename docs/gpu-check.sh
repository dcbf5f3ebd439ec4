#!/usr/bin/env bash
# GPU check, run on the GPU machine from the GPU kit (that machine has no .NET SDK: nothing is built there).
# Here, from the project root:  bash ../shared/gpu/make-kit.sh      (prebuilt Parity and FrameBudget in .gpukit/)
# There, from the project root: source .gpukit/env.sh && bash docs/gpu-check.sh
#
# In order, each under `timeout` (GPU_CHECK_STEP_TIMEOUT s, default 240) and all within GPU_CHECK_BUDGET_S
# (default 440 s; a step that no longer fits is skipped and noted):
#   1. Parity over every torch-parity*.json fixture in .gpukit/fixtures on the OpenCL GPU, with the default kernel family
#      (parity-NAME.txt) and with EMBEDDEDLEARN_OPENCL_KERNELS=cpu (parity-cpu-NAME.txt);
#   2. FrameBudget (swarm 8-32-32-2, batch 4, host threads GPU_CHECK_THREADS, default nproc) at each N in GPU_CHECK_SIZES, default kernel family
#      (framebudget-nN.json/.txt);
#   3. the PyTorch CUDA peer (peer/cuda_peer.py, eager and CUDA graph) at the same sizes, if python3 has torch
#      with CUDA (pytorch-cuda.json/.txt);
#   4. FrameBudget again with EMBEDDEDLEARN_OPENCL_KERNELS=cpu (framebudget-nN-cpukernels.json/.txt), and with
#      --unfused (framebudget-nN-unfused.json/.txt) only if GPU_CHECK_UNFUSED=1;
# then machine.txt (nvidia-smi, clinfo -l, CPU), runs.tsv (step, exit code, seconds, log) and table.md.
#
#   GPU_CHECK_SIZES="1024 16384" bash docs/gpu-check.sh
#   GPU_CHECK_ALLOW_CPU=1 GPU_CHECK_OUT=/tmp/x bash docs/gpu-check.sh   # dry run on PoCL, not a GPU result
#   GPU_CHECK_TABLE_ONLY=1 GPU_CHECK_OUT=DIR bash docs/gpu-check.sh      # only rewrite DIR/table.md from DIR's files
#
# Output folder: GPU_CHECK_OUT (default docs/results/gpu). Exit status: 0 all parity cases passed and every run
# finished; 1 a parity case failed, a run failed or timed out, or a step was skipped for time; 2 a missing tool
# or kit file, no OpenCL ICD, or no GPU.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${GPU_CHECK_OUT:-docs/results/gpu}"
sizes="${GPU_CHECK_SIZES:-1024 16384 262144 1048576}"
allow_cpu="${GPU_CHECK_ALLOW_CPU:-0}"
step_limit="${GPU_CHECK_STEP_TIMEOUT:-240}"
deadline="${GPU_CHECK_BUDGET_S:-440}"
kit="${GPU_CHECK_KIT:-.gpukit}"
# The pipeline's threads: the OpenCL executor spreads its host copies (samples up, results down) over them.
host_threads="${GPU_CHECK_THREADS:-$(nproc)}"
icd_dir="${OCL_ICD_VENDORS:-/etc/OpenCL/vendors}"
parity_dll="$kit/bin/Parity/Parity.dll"
framebudget_dll="$kit/bin/FrameBudget/FrameBudget.dll"

die() { echo "gpu-check: $*" >&2; exit 2; }

write_table() {
  python3 - "$out" <<'PY'
import glob, json, os, re, sys
out = sys.argv[1]

def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None

def read_lines(path):
    try:
        with open(path, errors="replace") as f:
            return [l.rstrip() for l in f if l.strip()]
    except OSError:
        return []

def ms(v):
    return "–" if v is None else f"{v:.3f}" if v < 10 else f"{v:.2f}" if v < 100 else f"{v:.1f}"

# Parity: one row per fixture, both kernel families.
def parity(path):
    lines = read_lines(path)
    if not lines:
        return "(not run)", "–"
    kernels = next((l.split(":", 1)[1].strip() for l in lines if l.startswith("kernels:")), "(not printed)")
    summary = next((l for l in reversed(lines) if re.search(r"\d+ passed, \d+ failed", l)), lines[-1])
    return summary, kernels

device = next((l for p in sorted(glob.glob(os.path.join(out, "parity-*.txt")))
               for l in read_lines(p) if l.startswith("backend: opencl")), "(no parity run named an OpenCL device)")
names = sorted({re.sub(r"^parity-(cpu-)?", "", os.path.basename(p)[:-4]) for p in glob.glob(os.path.join(out, "parity-*.txt"))})
parity_rows = []
for name in names:
    (res, ker), (res_cpu, ker_cpu) = parity(os.path.join(out, f"parity-{name}.txt")), parity(os.path.join(out, f"parity-cpu-{name}.txt"))
    parity_rows.append(f"| {name} | {ker} | {res} | {ker_cpu} | {res_cpu} |")

# Frame loop and peer, by N.
fb = {}
for path in glob.glob(os.path.join(out, "framebudget-n*.json")):
    m = re.search(r"framebudget-n(\d+)(-cpukernels|-unfused)?\.json$", path)
    r = load(path)
    if m and isinstance(r, dict):
        fb[(int(m.group(1)), (m.group(2) or "-default")[1:])] = r
peer = load(os.path.join(out, "pytorch-cuda.json"))
peer_note = None
if not isinstance(peer, list):
    lines = read_lines(os.path.join(out, "pytorch-cuda.txt"))
    peer_note = "PyTorch CUDA peer: not available (" + (lines[-1] if lines else "not run") + ")"
    peer = []
by_mode = {(r.get("mode"), r.get("entities")): r for r in peer}
runs = [l.split("\t") for l in read_lines(os.path.join(out, "runs.tsv"))]
sizes = sorted({n for n, _ in fb} | {n for _, n in by_mode if isinstance(n, int)}
               | {int(m.group(1)) for r in runs for m in [re.match(r"framebudget N=(\d+)", r[0])] if m})

def p50(r):
    return None if not r or "skipped" in r else r.get("p50_ms")

rows, details = [], []
for n in sizes:
    d, c, u = fb.get((n, "default")), fb.get((n, "cpukernels")), fb.get((n, "unfused"))
    eager, graph = by_mode.get(("eager", n)), by_mode.get(("graph", n))
    dev = sum(d.get("device_ms", {}).values()) if d and d.get("device_ms") else None
    el = ms(p50(d)) + (f" ({d['kernels']} kernels!)" if d and d.get("kernels") not in (None, "gpu") else "")
    cpu = ms(p50(c)) + (f" ({c['kernels']} kernels!)" if c and c.get("kernels") not in (None, "cpu") else "")
    ratio = f"{p50(d) / p50(graph):.1f}×" if p50(d) and p50(graph) else "–"
    alloc = f"{d['allocated_bytes_per_tick']:.0f}" if d and d.get("allocated_bytes_per_tick") is not None else "–"
    rows.append(f"| {n:,} | {el} | {ms(dev)} | {ms(d.get('host_ms') if d else None)} | {cpu} | {ms(p50(eager))} "
                f"| {ms(p50(graph))} | {ratio} | {alloc} |")
    for label, r in (("gpu kernels", d), ("cpu kernels", c), ("gpu kernels, --unfused", u)):
        if r:
            kern = ", ".join(f"{k} {v:.3f}" for k, v in r.get("device_ms", {}).items()) or "none reported"
            details.append(f"- N={n:,}, {label} (kernels: {r.get('kernels', '?')}): p50 {ms(r.get('p50_ms'))}, "
                           f"p95 {ms(r.get('p95_ms'))}, max {ms(r.get('max_ms'))} ms; host {ms(r.get('host_ms'))} ms; "
                           f"device ms by kernel: {kern}")
    for label, r in (("PyTorch eager", eager), ("PyTorch CUDA graph", graph)):
        if r and "skipped" in r:
            details.append(f"- N={n:,}, {label}: skipped: {r['skipped']}")
        elif r:
            loss = (f"; loss per entity {r['loss_before']:.4g} -> {r['loss_after']:.4g}"
                    if r.get("loss_before") is not None and r.get("loss_after") is not None else "")
            details.append(f"- N={n:,}, {label}: p50 {ms(r.get('p50_ms'))}, p95 {ms(r.get('p95_ms'))}, "
                           f"max {ms(r.get('max_ms'))} ms{loss}" + (f"; note: {r['note']}" if r.get("note") else ""))

machine = read_lines(os.path.join(out, "machine.txt"))
torch_line = next((f" PyTorch {r['torch']} on {r['device']}." for r in peer if "torch" in r), "")
with open(os.path.join(out, "table.md"), "w") as f:
    f.write(f"Device: {device}\n\n")
    if machine:
        f.write("Machine:\n\n```\n" + "\n".join(machine) + "\n```\n\n")
    f.write("Parity (libtorch fixtures), default kernel family and EMBEDDEDLEARN_OPENCL_KERNELS=cpu:\n\n"
            "| fixture | kernels | result | kernels (forced cpu) | result (forced cpu) |\n|---|---|---|---|---|\n"
            + ("\n".join(parity_rows) or "| (no parity runs) | | | | |") + "\n\n")
    f.write("Swarm 8-32-32-2 (tanh), batch 4, SGD, ms per tick p50 (upload to synchronised download). "
            "EmbeddedLearn: FrameBudget, host copies on every core; device ms = the tick's kernel time (OpenCL profiling), "
            f"host ms = tick minus kernel time.{torch_line}\n\n"
            "| N | EmbeddedLearn tick p50 (gpu kernels) | device ms | host ms | cpu-family kernels tick p50 "
            "| PyTorch eager p50 | PyTorch CUDA graph p50 | EmbeddedLearn / graph | bytes allocated per tick |\n"
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n\n")
    if peer_note:
        f.write(peer_note + "\n\n")
    f.write("Details:\n\n" + "\n".join(details) + "\n\n")
    if runs:
        f.write("Runs:\n\n| step | exit code | seconds | log |\n|---|---:|---:|---|\n"
                + "\n".join("| " + " | ".join(r[:3] + [os.path.basename(r[3]) if len(r) > 3 else ""]) + " |" for r in runs) + "\n")
print(open(os.path.join(out, "table.md")).read())
PY
}

if [ "${GPU_CHECK_TABLE_ONLY:-0}" = 1 ]; then
  command -v python3 >/dev/null || die "python3 is needed to write the markdown table."
  write_table
  exit 0
fi

# --- what the run needs: the kit, its runtime, an OpenCL ICD --------------------------------------------------------
kit_help="the GPU kit: on the build machine, from the project root, run 'bash ../shared/gpu/make-kit.sh' and carry
  .gpukit/ with the project; here run 'source .gpukit/env.sh' first, then this script."
command -v python3 >/dev/null || die "python3 is needed to write the markdown table."
command -v timeout >/dev/null || die "timeout (coreutils) is needed to bound each step."
if [ ! -f "$parity_dll" ] || [ ! -f "$framebudget_dll" ]; then
  die "missing $parity_dll or $framebudget_dll. This script needs $kit_help"
fi
read -r -a size_list <<<"$sizes"
for n in "${size_list[@]}"; do [[ "$n" =~ ^[0-9]+$ ]] || die "GPU_CHECK_SIZES must be entity counts separated by spaces; got '$sizes'."; done
compgen -G "$kit/fixtures/torch-parity*.json" >/dev/null || die "no fixtures in $kit/fixtures. This script needs $kit_help"
command -v dotnet >/dev/null || die "dotnet (the .NET runtime) is not on PATH. Run 'source $kit/env.sh' first ($kit_help)"
if ! compgen -G "$icd_dir/*.icd" >/dev/null; then
  die "no OpenCL ICD registered in $icd_dir (no *.icd file). 'source $kit/env.sh' registers NVIDIA's OpenCL library
  when the image has it (libnvidia-opencl.so.1); otherwise install the GPU vendor's OpenCL driver."
fi

mkdir -p "$out"
rm -f "$out"/parity-*.txt "$out"/framebudget-n* "$out"/pytorch-cuda.* "$out"/runs.tsv "$out"/machine.txt "$out"/table.md
runs="$out/runs.tsv"
: >"$runs"
status=0

# run_step NAME LOG CMD...: CMD under timeout (the step limit, or what is left of the budget), output in LOG;
# appends "NAME, exit code, seconds, LOG" to runs.tsv and returns the exit code (124: timed out).
run_step() {
  local name="$1" log="$2" limit="$step_limit" left rc=0 t0="$SECONDS"
  shift 2
  left=$((deadline - SECONDS))
  if [ "$left" -lt "$limit" ]; then limit="$left"; fi
  if [ "$limit" -lt 15 ]; then
    echo "gpu-check: $name skipped: the time budget (GPU_CHECK_BUDGET_S=${deadline}s) is spent" | tee "$log" >&2
    printf '%s\tskipped\t0\t%s\n' "$name" "$log" >>"$runs"
    return 1
  fi
  echo "gpu-check: $name (limit ${limit}s)"
  timeout -k 10 "$limit" "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then echo "gpu-check: $name timed out after ${limit}s" | tee -a "$log" >&2; fi
  printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$((SECONDS - t0))" "$log" >>"$runs"
  return "$rc"
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "kit: $(stat -c '%y' "$parity_dll" 2>/dev/null | cut -d. -f1) (Parity.dll modified); project $(git rev-parse --short HEAD 2>/dev/null || echo '(no git)')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
  echo "dotnet: $(dotnet --list-runtimes 2>/dev/null | grep -m1 NETCore.App | cut -d' ' -f1-2)"
  if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1; fi
  if command -v clinfo >/dev/null; then clinfo -l 2>&1; fi
} >"$out/machine.txt"

# --- 1. parity, both kernel families -----------------------------------------------------------------------------
check_device() {  # the log's "backend: opencl" line must name a GPU (unless GPU_CHECK_ALLOW_CPU=1)
  local log="$1" first="$2" line
  line="$(grep -m1 '^backend: opencl' "$log" || true)"
  if [ -z "$line" ] && [ "$first" = 1 ]; then
    cat "$log" >&2
    die "the parity run found no usable OpenCL device (its output is above and in $log)."
  elif [ -z "$line" ]; then  # the first run had one: this is a failure of this run, not a missing GPU
    echo "gpu-check: this parity run used no OpenCL device; see $log" >&2
    return 1
  fi
  if [ "$allow_cpu" != 1 ] && ! grep -q '(Gpu)' <<<"$line"; then
    die "the OpenCL device is not a GPU: $line (set GPU_CHECK_ALLOW_CPU=1 for a dry run)."
  fi
}
first=1
for family in default cpu; do
  for fixture in "$kit"/fixtures/torch-parity*.json; do # the format the Parity program reads (PPO and shared brains: the tests)
    name="$(basename "$fixture" .json)"
    if [ "$family" = cpu ]; then log="$out/parity-cpu-$name.txt"; kenv=(env EMBEDDEDLEARN_OPENCL_KERNELS=cpu)
    else log="$out/parity-$name.txt"; kenv=(env -u EMBEDDEDLEARN_OPENCL_KERNELS); fi
    run_step "parity $name ($family kernels)" "$log" "${kenv[@]}" dotnet "$parity_dll" --fixture "$fixture" --backend opencl || status=1
    check_device "$log" "$first" || status=1
    first=0
    echo "  $(grep -m1 '^kernels:' "$log" || echo 'kernels: (not printed)'); $(tail -n 1 "$log")"
  done
done

# --- 2-4. frame loop and peer --------------------------------------------------------------------------------------
framebudget() {  # framebudget N SUFFIX ENV... -- EXTRA_FLAGS...
  local n="$1" suffix="$2" ticks=300 warmup=100 label
  shift 2
  local envs=() flags=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  flags=("$@")
  case "$suffix" in -cpukernels) label="cpu kernels";; -unfused) label="default kernels, --unfused";; *) label="default kernels";; esac
  if [ "$n" -ge 262144 ]; then ticks=100; warmup=20; fi
  # The forced cpu family can be several times slower at the large sizes: fewer ticks keep the budget.
  if [ "$suffix" = -cpukernels ] && [ "$n" -ge 262144 ]; then ticks=50; warmup=10; fi
  run_step "framebudget N=$n ($label)" "$out/framebudget-n$n$suffix.txt" env "${envs[@]}" \
    dotnet "$framebudget_dll" --entities "$n" --layout 8,32,32,2 --batch 4 --threads "$host_threads" --backend opencl \
    --ticks "$ticks" --warmup "$warmup" ${flags[@]+"${flags[@]}"} --json "$out/framebudget-n$n$suffix.json" || status=1
}
for n in "${size_list[@]}"; do framebudget "$n" "" -u EMBEDDEDLEARN_OPENCL_KERNELS --; done

peer_probe="$(timeout 120 python3 -c '
import sys
try:
    import torch
except Exception as ex:
    print(f"python3 cannot import torch: {ex}"); sys.exit(3)
if not torch.cuda.is_available():
    print(f"torch {torch.__version__} sees no CUDA device"); sys.exit(3)
print(f"torch {torch.__version__}, {torch.cuda.get_device_name()}")' 2>&1)" && peer_ok=1 || peer_ok=0
peer_line="${peer_probe##*$'\n'}"  # the last line (import warnings may come first)
if [ "$peer_ok" = 1 ]; then
  run_step "PyTorch CUDA peer ($peer_line)" "$out/pytorch-cuda.txt" python3 peer/cuda_peer.py \
    --sizes "$(IFS=,; echo "${size_list[*]}")" --json "$out/pytorch-cuda.json" || status=1
else
  echo "gpu-check: PyTorch CUDA peer: not available (${peer_line:-the probe printed nothing})"
  echo "${peer_line:-the torch probe printed nothing}" >"$out/pytorch-cuda.txt"
fi

for n in "${size_list[@]}"; do framebudget "$n" -cpukernels EMBEDDEDLEARN_OPENCL_KERNELS=cpu --; done
if [ "${GPU_CHECK_UNFUSED:-0}" = 1 ]; then
  for n in "${size_list[@]}"; do framebudget "$n" -unfused -u EMBEDDEDLEARN_OPENCL_KERNELS -- --unfused; done
fi

write_table
echo "gpu-check: done in ${SECONDS}s, exit $status (outputs in $out)"
exit "$status"
