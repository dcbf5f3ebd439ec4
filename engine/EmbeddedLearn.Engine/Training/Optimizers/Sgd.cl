// Device code of the SgdStep stage (SgdOptimizer.cs): the body for the VW entities of one work-item. Pointers arrive offset by
// the work-item's first entity (see OpenCl/Kernels/common.cl); S is the element stride; `on` holds the lanes it may change.
// The maths mirrors the CPU code beside it; results agree within float rounding.

// optim.SGD's direction for one parameter: g = maximize ? -grad : grad; g += wd p; with momentum m (useMomentum):
// buf = g on step 1 (first), else buf = m buf + (1 - dampening) g, and g = nesterov ? g + m buf : buf. *buf is the
// momentum element, updated on the lanes of useMomentum. Both kernel families step through this function.
inline vf el_sgd_direction(vf pv, vf g, vf* buf, vf mu, vf damp, vf wd, vi nesterov, vi maximize, vi useMomentum, vi first)
{
    g = maximize ? -g : g;
    g = wd != 0.0f ? g + (wd * pv) : g;
    vf b = first ? g : (mu * *buf) + (damp * g);
    *buf = useMomentum ? b : *buf;
    return useMomentum ? (nesterov ? g + (mu * b) : b) : g;
}

// optim.SGD for the lanes of `on`: p -= lr * el_sgd_direction(...). A first pass checks that every new parameter and
// momentum value is finite, a second stores them on the lanes where all are (el_end_step counts the others' failure).
inline void el_sgd_step(long S, int P, __global float* p, __global const float* gr, __global float* buf,
    int hasMomentum, __global const float* sf, __global const int* si, __global long* st, __global int* flags, vi on)
{
    vl t;
    on = el_begin_step(S, si, st, OPTIMIZER_SGD, on, &t);
    if (!ANY(on)) return;
    vf lr = LD(sf, SF_LEARNING_RATE), mu = LD(sf, SF_MOMENTUM), damp = 1.0f - LD(sf, SF_DAMPENING);
    vf wd = LD(sf, SF_WEIGHT_DECAY);
    vi nesterov = LD(si, SI_NESTEROV) != 0, maximize = LD(si, SI_MAXIMIZE) != 0;
    vi useMomentum = mu != 0.0f;
    if (hasMomentum == 0) useMomentum = (vi)0;
    vi first = TO_I(t == 1);
    int anyMomentum = ANY(useMomentum & on);
    vi ok = on;
    for (int pass = 0; pass < 2 && ANY(ok); pass++)
    {
        for (int i = 0; i < P; i++)
        {
            vf pv = LD(p, i);
            vf old = anyMomentum ? LD(buf, i) : (vf)0.0f;
            vf b = old;
            vf np = pv - (lr * el_sgd_direction(pv, LD(gr, i), &b, mu, damp, wd, nesterov, maximize, useMomentum, first));
            if (pass == 0)
            {
                ok &= isfinite(np) & (isfinite(b) | (useMomentum == 0));
                continue;
            }
            if (anyMomentum) ST(buf, i, ok ? b : old);
            ST(p, i, ok ? np : pv);
        }
    }
    el_end_step(S, si, st, flags, on, ok, t);
}
