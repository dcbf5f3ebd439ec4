// Device code of the ZeroGrad stage (ZeroGradStage.cs): the body for the VW entities of one work-item. Pointers arrive offset by
// the work-item's first entity (see OpenCl/Kernels/common.cl); S is the element stride; `on` holds the lanes it may change.
// The maths mirrors the CPU code beside it; results agree within float rounding.

// Clears gradients at the start of each accumulation window, on the lanes of `on`.
inline void el_zero_grad(long S, int P, __global float* g, __global const int* si, __global const long* st, vi on)
{
    vi clear = el_window_starts(S, si, st) & on;
    if (!ANY(clear)) return;
    if (ALL(clear))
    {
        for (int i = 0; i < P; i++) ST(g, i, (vf)0.0f); // every lane: no need to read the old gradients
        return;
    }
    for (int i = 0; i < P; i++) ST(g, i, clear ? (vf)0.0f : LD(g, i));
}
