#!/usr/bin/env python3
"""PyTorch CUDA peer for the "swarm" workload (shared/DESIGN.md, "Numbers to design against").

N entities, each its own MLP (default 8-32-32-2, tanh hidden), batch B=4 samples per entity per tick, MSE loss
(mean per entity, summed over entities, so each entity's gradient is the one its own module would get), SGD
lr 0.01 without momentum, gradients cleared every tick. Every entity's parameters are stacked: W_l [N, in, out],
b_l [N, 1, out]; the forward pass is one torch.baddbmm per layer.

A tick, timed with time.perf_counter from the upload to the synchronised download, like EmbeddedLearn's tick:
  samples host -> device (inputs [N,B,in], targets [N,B,out], float32, from pinned tensors made before timing),
  zero-grad, forward, loss, backward (autograd), SGD step (foreach), outputs device -> host (pinned),
  torch.cuda.synchronize().
Modes: eager (the above as plain PyTorch) and graph (the whole tick, both copies included, captured once in a
torch.cuda.CUDAGraph after warm-up on a side stream, then replayed). The samples are the same every tick (one
pinned buffer: a graph reads a fixed host address); the peer measures the transfers and the training step.

  python3 peer/cuda_peer.py --sizes 1024,16384,262144,1048576 --json out/pytorch-cuda.json
  python3 peer/cuda_peer.py --device cpu --sizes 8 --ticks 3 --modes eager   # smoke test only

Exit status: 0 every (mode, N) ran or was skipped for memory; 1 some other failure (recorded too); 2 no CUDA.
"""
import argparse
import gc
import json
import math
import sys
import time

try:
    import torch
except ImportError as ex:  # say so and stop, like a machine without CUDA
    print(f"cuda_peer: PyTorch is not importable: {ex}", file=sys.stderr)
    sys.exit(2)

ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid,
               "leaky_relu": torch.nn.functional.leaky_relu, "identity": lambda t: t}
OOM_ERRORS = (getattr(torch.cuda, "OutOfMemoryError", RuntimeError),)  # older PyTorch: a RuntimeError


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="1024,16384,262144,1048576", help="entity counts N, comma-separated")
    p.add_argument("--layout", default="8,32,32,2", help="layer widths, input first")
    p.add_argument("--activation", default="tanh", choices=sorted(ACTIVATIONS))
    p.add_argument("--batch", type=int, default=4, help="samples per entity per tick")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--ticks", type=int, default=None, help="measured ticks (default 200 below N=262144, else 50)")
    p.add_argument("--warmup", type=int, default=20, help="unmeasured ticks first")
    p.add_argument("--modes", default="eager,graph", help="eager, graph or both, comma-separated")
    p.add_argument("--seed", type=int, default=12345)
    p.add_argument("--json", default=None, help="also write the records as a JSON list to this file")
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"], help="cpu: a smoke test of the code only")
    return p.parse_args()


def nearest_rank(sorted_ms, pct):
    """Nearest-rank percentile of an ascending list."""
    return sorted_ms[max(0, math.ceil(pct / 100 * len(sorted_ms)) - 1)]


class Swarm:
    """Stacked parameters of N MLPs, their SGD optimizer, and the static tensors one tick reads and writes."""

    def __init__(self, n, widths, batch, act, lr, seed, device):
        self.device, self.act = device, ACTIVATIONS[act]
        cuda = device.type == "cuda"
        torch.manual_seed(seed)
        # nn.Linear's initialisation, per entity: uniform in +-1/sqrt(fan_in) for weights and biases.
        self.params = []
        for fan_in, fan_out in zip(widths[:-1], widths[1:]):
            bound = 1.0 / math.sqrt(fan_in)
            w = torch.empty(n, fan_in, fan_out, device=device).uniform_(-bound, bound).requires_grad_()
            b = torch.empty(n, 1, fan_out, device=device).uniform_(-bound, bound).requires_grad_()
            self.params += [w, b]
        self.opt = torch.optim.SGD(self.params, lr=lr, momentum=0.0, foreach=True)
        # This tick's samples, made on the host before timing: inputs uniform in [-0.5, 0.5), targets half the
        # first inputs (as the TorchSharp peer), pinned so that the copies are asynchronous DMA (and capturable).
        # The losses reported are the mean over entities of each entity's MSE: at the initial weights, last tick.
        gen = torch.Generator().manual_seed(seed + 1)
        x = torch.rand(n, batch, widths[0], generator=gen) - 0.5
        n_out = widths[-1]
        y = 0.5 * x[..., :n_out] if n_out <= widths[0] else torch.rand(n, batch, n_out, generator=gen) - 0.5
        self.host_x = x.pin_memory() if cuda else x
        self.host_y = y.contiguous().pin_memory() if cuda else y.contiguous()
        self.host_out = torch.empty(n, batch, n_out, pin_memory=cuda)
        # Device copies of the samples: static, so that a captured graph reads them at fixed addresses.
        self.x = torch.empty_like(self.host_x, device=device)
        self.y = torch.empty_like(self.host_y, device=device)
        self.loss = None

    def tick(self, download=True):
        """One whole tick, enqueued on the current stream (no synchronisation: the caller does it)."""
        self.x.copy_(self.host_x, non_blocking=True)
        self.y.copy_(self.host_y, non_blocking=True)
        self.opt.zero_grad(set_to_none=True)
        h = self.x
        layers = len(self.params) // 2
        for i in range(layers):
            w, b = self.params[2 * i], self.params[2 * i + 1]
            h = torch.baddbmm(b, h, w)  # b [N,1,out] broadcast over the batch: b + h @ w
            if i < layers - 1:
                h = self.act(h)
        # MSE mean per entity, summed over entities: each entity's gradient is its own module's.
        self.loss = (h - self.y).square().mean(dim=(1, 2)).sum()
        self.loss.backward()
        self.opt.step()
        self.out = h.detach()
        if download:
            self.download()

    def download(self):
        self.host_out.copy_(self.out, non_blocking=True)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def run_eager(swarm, ticks, warmup, d2h_in_graph=None):
    loss_before = None
    for _ in range(warmup):  # the caller makes it at least 3
        swarm.tick()
        sync(swarm.device)
        loss_before = swarm.loss.item() / len(swarm.x) if loss_before is None else loss_before  # initial weights
    times = []
    for _ in range(ticks):
        t0 = time.perf_counter()
        swarm.tick()
        sync(swarm.device)
        times.append((time.perf_counter() - t0) * 1e3)
    return times, loss_before, swarm.loss.item() / len(swarm.x)


def run_graph(swarm, ticks, warmup, d2h_in_graph=True):
    """Whole-tick capture as in PyTorch's CUDA graphs docs (whole-network capture with the optimizer step).
    The first 3 of the `warmup` unmeasured ticks run eagerly on a side stream, the rest as replays, so both modes
    take the same number of SGD steps and their losses compare. d2h_in_graph=False: the output copy is enqueued
    eagerly after each replay instead (the fallback if this PyTorch cannot capture a device-to-host copy)."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for i in range(3):
            swarm.tick()
            loss_before = swarm.loss.item() / len(swarm.x) if i == 0 else loss_before  # at the initial weights
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    # Capture: grads are None (set here as in the docs, and by tick()), so backward allocates them from the graph's
    # private pool and every replay writes them afresh; loss and outputs live at fixed addresses too.
    swarm.opt.zero_grad(set_to_none=True)
    swarm.loss = swarm.out = None
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        swarm.tick(download=d2h_in_graph)

    def replay():
        graph.replay()
        if not d2h_in_graph:
            swarm.download()
        torch.cuda.synchronize()

    for _ in range(max(0, warmup - 3)):
        replay()
    times = []
    for _ in range(ticks):
        t0 = time.perf_counter()
        replay()
        times.append((time.perf_counter() - t0) * 1e3)
    loss_after = swarm.loss.item() / len(swarm.x)
    del graph
    return times, loss_before, loss_after


def is_oom(ex):
    return isinstance(ex, OOM_ERRORS) and "out of memory" in str(ex).lower()


def first_line(ex):
    text = str(ex).strip()
    return text.splitlines()[0] if text else type(ex).__name__


def free(device):
    """Drop the previous size's tensors (and any graph's private pool) before the next one."""
    gc.collect()
    if device.type == "cuda":
        try:
            torch.cuda.synchronize()
            torch.cuda.empty_cache()
        except RuntimeError as ex:  # a failed capture can leave an error to report; the next size will show it
            print(f"cuda_peer: while freeing memory: {first_line(ex)}", file=sys.stderr)


def measure(mode, n, widths, args, device, ticks, warmup, d2h_in_graph):
    """Build a fresh swarm (same seed: every mode starts from the same weights and data) and time it."""
    swarm = Swarm(n, widths, args.batch, args.activation, args.lr, args.seed, device)
    run = run_eager if mode == "eager" else run_graph
    times, loss_before, loss_after = run(swarm, ticks, warmup, d2h_in_graph)
    ms = sorted(times)
    return dict(p50_ms=nearest_rank(ms, 50), p95_ms=nearest_rank(ms, 95), min_ms=ms[0], max_ms=ms[-1],
                mean_ms=sum(ms) / len(ms), loss_before=loss_before, loss_after=loss_after)


def main():
    args = parse_args()
    if args.device == "cuda" and not torch.cuda.is_available():
        print("cuda_peer: CUDA is not available to PyTorch "
              f"(torch {torch.__version__}, built with CUDA {torch.version.cuda}); nothing measured.", file=sys.stderr)
        return 2
    device = torch.device(args.device)
    device_name = torch.cuda.get_device_name() if device.type == "cuda" else "cpu (smoke test, not a result)"
    widths = [int(w) for w in args.layout.split(",")]
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    warmup = max(3, args.warmup)  # graph mode warms up 3 ticks eagerly before capture; eager does as many
    records, failed = [], False
    print(f"cuda_peer: {device_name}, torch {torch.__version__}, layout {args.layout} {args.activation}, "
          f"batch {args.batch}, SGD lr {args.lr}")
    for mode in modes:
        for n in sizes:
            ticks = args.ticks if args.ticks is not None else (200 if n < 262144 else 50)
            rec = {"peer": "pytorch-cuda", "mode": mode, "entities": n, "layout": args.layout,
                   "activation": args.activation, "batch": args.batch, "ticks": ticks, "warmup": warmup,
                   "device": device_name, "torch": torch.__version__}
            try:
                if mode not in ("eager", "graph"):
                    raise ValueError(f"unknown mode '{mode}' (eager or graph)")
                if mode == "graph" and device.type != "cuda":
                    raise ValueError("graph mode needs CUDA")
                capture_error = None
                try:
                    rec.update(measure(mode, n, widths, args, device, ticks, warmup, d2h_in_graph=True))
                except RuntimeError as ex:
                    if mode != "graph" or is_oom(ex):
                        raise
                    capture_error = first_line(ex)  # (leaving the handler lets the failed swarm go)
                if capture_error:
                    # Capture failed: try once more with the output download outside the graph, and say so.
                    free(device)
                    rec["note"] = f"output copy enqueued after each replay; capture with it failed: {capture_error}"
                    rec.update(measure(mode, n, widths, args, device, ticks, warmup, d2h_in_graph=False))
                print(f"{mode:5s} N={n:>9,}  p50 {rec['p50_ms']:8.3f} ms  p95 {rec['p95_ms']:8.3f}  max "
                      f"{rec['max_ms']:8.3f}  loss {rec['loss_before']:.4g} -> {rec['loss_after']:.4g}", flush=True)
            except (RuntimeError, ValueError) as ex:
                failed = failed or not is_oom(ex)
                rec["skipped"] = ("out of memory: " if is_oom(ex) else f"{type(ex).__name__}: ") + first_line(ex)
                print(f"{mode:5s} N={n:>9,}  skipped ({rec['skipped']})", flush=True)
            free(device)
            records.append(rec)
            if args.json:  # after every record, so a run stopped by a timeout still leaves what it measured
                with open(args.json, "w") as f:
                    json.dump(records, f, indent=2)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
