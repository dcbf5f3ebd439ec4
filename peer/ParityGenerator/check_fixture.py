#!/usr/bin/env python3
"""Checks a fixture in the torch-parity format without libtorch: structure (keys, shapes, counts, finite
numbers, the stepped pattern) and numbers, by training every case again in float64 (pure Python) from its
initial parameters and data and comparing every number with the tolerance of shared/fixtures/README.md
(relative 1e-4, absolute floor 1e-6). A float64 run that meets the tolerance shows the case is not so
ill-conditioned that another float32 summation order could miss it.

    python3 peer/ParityGenerator/check_fixture.py tests/EmbeddedLearn.Tests/Data/torch-parity-adamw.json
"""
import json
import math
import sys

ACT = {
    "identity": (lambda z: z, lambda z, a: 1.0),
    "relu": (lambda z: max(z, 0.0), lambda z, a: 1.0 if z > 0 else 0.0),
    "tanh": (math.tanh, lambda z, a: 1.0 - a * a),
    "sigmoid": (lambda z: 1.0 / (1.0 + math.exp(-z)), lambda z, a: a * (1.0 - a)),
    "leaky_relu": (lambda z: z if z > 0 else 0.01 * z, lambda z, a: 1.0 if z > 0 else 0.01),
}
CASE_KEYS = ["name", "layers", "hidden_activation", "batch", "loss", "optimizer", "accumulation_steps",
             "zero_grad", "initial_parameters", "ticks"]
TICK_KEYS = ["inputs", "targets", "outputs", "loss", "gradients_after_backward", "stepped", "parameters_after_tick"]
OPT_KEYS = {"sgd": ["kind", "lr", "momentum", "dampening", "nesterov", "weight_decay"],
            "adam": ["kind", "lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"],
            "adamw": ["kind", "lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"]}


def forward_backward(layers, act, p, x, t, batch, reduction):
    """Outputs, loss and the gradient (PyTorch order) of MSE(reduction) for one batch, in float64."""
    f, df = ACT[act]
    offsets, o = [], 0
    for l in range(len(layers) - 1):
        offsets.append(o)
        o += layers[l + 1] * (layers[l] + 1)
    grad = [0.0] * len(p)
    outputs, loss = [], 0.0
    n_out = layers[-1]
    scale = 1.0 / (batch * n_out) if reduction == "mean" else 1.0
    for s in range(batch):
        a = [x[s * layers[0] + i] for i in range(layers[0])]
        acts, pre = [a], []
        for l in range(len(layers) - 1):
            fi, fo, w = layers[l], layers[l + 1], offsets[l]
            z = [sum(p[w + j * fi + i] * a[i] for i in range(fi)) + p[w + fo * fi + j] for j in range(fo)]
            pre.append(z)
            a = z if l == len(layers) - 2 else [f(v) for v in z]
            acts.append(a)
        outputs.extend(a)
        d = []
        for j in range(n_out):
            e = a[j] - t[s * n_out + j]
            loss += e * e * scale
            d.append(2.0 * e * scale)
        for l in range(len(layers) - 2, -1, -1):
            fi, fo, w = layers[l], layers[l + 1], offsets[l]
            if l != len(layers) - 2:
                d = [d[j] * df(pre[l][j], acts[l + 1][j]) for j in range(fo)]
            prev = acts[l]
            for j in range(fo):
                for i in range(fi):
                    grad[w + j * fi + i] += d[j] * prev[i]
                grad[w + fo * fi + j] += d[j]
            d = [sum(p[w + j * fi + i] * d[j] for j in range(fo)) for i in range(fi)]
    return outputs, loss, grad


def step(opt, p, g, state):
    """One optimizer step in float64, as torch.optim computes it (single-tensor path, maximize false)."""
    kind, lr, wd = opt["kind"], opt["lr"], opt["weight_decay"]
    if kind == "sgd":
        g = [gi + wd * pi for gi, pi in zip(g, p)]
        if opt["momentum"]:
            if "buf" not in state:
                state["buf"] = list(g)
            else:
                state["buf"] = [opt["momentum"] * b + (1 - opt["dampening"]) * gi for b, gi in zip(state["buf"], g)]
            g = [gi + opt["momentum"] * b for gi, b in zip(g, state["buf"])] if opt["nesterov"] else state["buf"]
        return [pi - lr * gi for pi, gi in zip(p, g)]
    b1, b2, eps = opt["beta1"], opt["beta2"], opt["eps"]
    if kind == "adam":
        g = [gi + wd * pi for gi, pi in zip(g, p)]
    else:
        p = [pi * (1 - lr * wd) for pi in p]
    t = state["t"] = state.get("t", 0) + 1
    m = state["m"] = [b1 * mi + (1 - b1) * gi for mi, gi in zip(state.get("m", [0.0] * len(p)), g)]
    v = state["v"] = [b2 * vi + (1 - b2) * gi * gi for vi, gi in zip(state.get("v", [0.0] * len(p)), g)]
    bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
    return [pi - lr / bc1 * mi / (math.sqrt(vi) / math.sqrt(bc2) + eps) for pi, mi, vi in zip(p, m, v)]


def check_case(c):
    """Returns (numbers compared, worst |diff| / allowed) and raises AssertionError on a malformed case."""
    assert list(c.keys()) == CASE_KEYS, f"case keys {list(c.keys())}"
    name, layers, batch, opt = c["name"], c["layers"], c["batch"], c["optimizer"]
    assert list(opt.keys()) == OPT_KEYS[opt["kind"]] and opt.get("amsgrad", False) is False, f"{name}: optimizer {opt}"
    assert c["loss"] == {"kind": "mse", "reduction": c["loss"]["reduction"]} and c["loss"]["reduction"] in ("mean", "sum")
    n_par = sum(layers[l + 1] * (layers[l] + 1) for l in range(len(layers) - 1))
    assert len(c["initial_parameters"]) == n_par, f"{name}: {len(c['initial_parameters'])} parameters, want {n_par}"
    k, p, g, state, backwards, worst, count = c["accumulation_steps"], list(c["initial_parameters"]), None, {}, 0, 0.0, 0
    for i, tick in enumerate(c["ticks"]):
        at = f"{name} tick {i}"
        assert list(tick.keys()) == TICK_KEYS, f"{at}: keys {list(tick.keys())}"
        for key, n in (("inputs", batch * layers[0]), ("targets", batch * layers[-1]), ("outputs", batch * layers[-1]),
                       ("gradients_after_backward", n_par), ("parameters_after_tick", n_par)):
            assert len(tick[key]) == n, f"{at}: {key} has {len(tick[key])} numbers, want {n}"
            assert all(isinstance(v, (int, float)) and math.isfinite(v) for v in tick[key]), f"{at}: {key} not finite"
        assert math.isfinite(tick["loss"])
        if g is None or (c["zero_grad"] and backwards % k == 0):
            g = [0.0] * n_par
        out, loss, gb = forward_backward(layers, c["hidden_activation"], p, tick["inputs"], tick["targets"], batch,
                                         c["loss"]["reduction"])
        g = [a + b for a, b in zip(g, gb)]
        backwards += 1
        stepped = backwards % k == 0
        assert tick["stepped"] == stepped, f"{at}: stepped {tick['stepped']}, semantics say {stepped}"
        if stepped:
            p = step(opt, p, g, state)
        for key, mine in (("outputs", out), ("loss", [loss]), ("gradients_after_backward", g),
                          ("parameters_after_tick", p)):
            theirs = tick[key] if isinstance(tick[key], list) else [tick[key]]
            for a, e in zip(mine, theirs):
                count += 1
                worst = max(worst, abs(a - e) / max(1e-4 * abs(e), 1e-6))
    return count, worst


def main(paths):
    bad = 0
    for path in paths:
        with open(path) as fh:
            d = json.load(fh)
        assert list(d.keys()) == ["source", "parameter_order", "tick_semantics", "cases"], list(d.keys())
        print(f"{path}: {d['source']}, {len(d['cases'])} cases")
        for c in d["cases"]:
            count, worst = check_case(c)
            ok = worst <= 1.0
            bad += not ok
            print(f"  {'ok  ' if ok else 'FAIL'} {c['name']}: {c['optimizer']['kind']}, {len(c['ticks'])} ticks, "
                  f"{count} numbers vs float64, worst |diff| = {worst:.3f} x tolerance")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
