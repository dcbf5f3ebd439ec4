// Device code of the AdamWStep stage (AdamWOptimizer.cs; it uses el_adam_update from Adam.cl): the body for the VW entities of one work-item. Pointers arrive offset by
// the work-item's first entity (see OpenCl/Kernels/common.cl); S is the element stride; `on` holds the lanes it may change.
// The maths mirrors the CPU code beside it; results agree within float rounding.

// optim.AdamW (amsgrad off): p *= 1 - lr wd (the factor in double where available, as torch computes it from its
// Python floats; exactly 1 when wd is 0), then the Adam update without the L2 term.
inline void el_adamw_step(long S, int P, __global float* p, __global const float* gr, __global float* m,
    __global const float* sf, __global const int* si, __global long* st, __global int* flags, vi on)
{
    vl t;
    on = el_begin_step(S, si, st, OPTIMIZER_ADAMW, on, &t);
    if (!ANY(on)) return;
    vf decay = el_adamw_decay(LD(sf, SF_LEARNING_RATE), LD(sf, SF_WEIGHT_DECAY));
    vi ok = el_adam_update(S, P, p, gr, m, sf, si, (vf)0.0f, decay, t, on);
    el_end_step(S, si, st, flags, on, ok, t);
}
