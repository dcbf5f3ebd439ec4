// The fused tick and the layout conversions (each stage's own kernel is generated from its device body's declaration:
// DeviceKernelSource). Every kernel takes n (entities) and S (the tile, see common.cl; a multiple of VW). In the
// stage and fused kernels item w handles entities w * VW to
// w * VW + VW - 1 (lanes past n compute on zero padding and are never read); the conversions run one work-item
// per entity. The launch is rounded up to whole work-groups; items starting at or past n do nothing.
// flags holds one int per entity (the tick's outcome bits, OUTCOME_*, FLAG_DEFERRED and FLAG_RESTING; OFF(e, 1) == e):
// a stage runs on the lanes whose flags share no bit with its `exclude` (for forward: an entity with bad data, or one
// the tick does not serve; for training stages: also the entities outside the training budget's window).


// The stages whose bits (STAGE_*, from their position in the default pipeline) are set in `stages`, in that order, for the work-item's
// entities: one launch instead of up to eight, and each entity's outputs, output gradient and gradients are still in
// cache when the next stage reads them. With STAGE_SNAPSHOT the tick-start state is in the snap* buffers (the host
// swapped them with the live ones): the kernel copies it into the live buffers first and changes only those, so the
// snapshot costs one read and one write of the state, which the stages need anyway, and no separate copy. Forward
// runs on the lanes not left out; the others also skip the lanes outside the training window.
// The whole-tick kernels' parameters (fused_tick here, gpu_tick in gpu.cl), written once: the host binds them in this
// order (ArchetypeBuffers.SetFusedArgs).
#define EL_TICK_PARAMS int n, int S, int stages, int layers, __global const int* widths, int batch, int act, int P, \
    int count, int maxW, int nAct, __global float* params, __global const float* inputs, __global float* acts, \
    __global float* outputs, __global const float* targets, __global float* outGrad, __global float* elements, \
    __global float* loss, __global float* grads, __global float* scratch, __global float* momentum, int hasMomentum, \
    __global float* moments, int hasAdam, __global const float* sf, __global const int* si, __global long* st, \
    __global int* flags, __global float* snapParams, __global float* snapGrads, __global float* snapMomentum, \
    __global float* snapMoments, __global long* snapState

__kernel void fused_tick(EL_TICK_PARAMS)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    long op = OFF(e, P);
    long oa = OFF(e, 2 * P);
    long oi = OFF(e, SI_COUNT);
    long ot = OFF(e, ST_COUNT);
    __global int* fl = flags + OFF(e, 1);
    vi infer = EL_ON(fl, EL_INFER_EXCLUDE);
    vi train = EL_ON(fl, EL_TRAIN_EXCLUDE); // at the start; the training stages' calls read the flags anew (EL_TRAINS)
    if (stages & STAGE_SNAPSHOT)
    {
        for (int k = 0; k < ST_COUNT; k++) ST(st + ot, k, LD(snapState + ot, k));
        el_copy(S, P, snapParams + op, params + op);
        // When zero_grad is about to clear every lane's gradients, the old ones need not come across.
        if (!(stages & STAGE_ZEROGRAD) || !ALL(el_window_starts(S, si + oi, st + ot) & train))
        {
            el_copy(S, P, snapGrads + op, grads + op);
        }
        if (hasMomentum) el_copy(S, P, snapMomentum + op, momentum + op);
        if (hasAdam) el_copy(S, 2 * P, snapMoments + oa, moments + oa);
    }
    // The stages' calls, generated from their device bodies' declarations (DeviceKernelSource.FusedCalls), in order. The
    // training stages run on EL_TRAINS, the flags read at their call: forward may have held an entity's outputs since.
#define EL_TRAINS EL_ON(fl, EL_TRAIN_EXCLUDE)
    EL_FUSED_STAGES
}
// Entity-major [n, k] (as the host holds a component) to the device layout.
__kernel void to_interleaved(int n, int S, int k, __global const float* src, __global float* dst)
{
    int e = get_global_id(0);
    if (e >= n) return;
    __global const float* from = src + (long)e * k;
    __global float* to = dst + OFF(e, k);
    for (int j = 0; j < k; j++) AT(to, j) = from[j];
}

// The device layout to entity-major [n, k].
__kernel void to_entity_major(int n, int S, int k, __global const float* src, __global float* dst)
{
    int e = get_global_id(0);
    if (e >= n) return;
    __global const float* from = src + OFF(e, k);
    __global float* to = dst + (long)e * k;
    for (int j = 0; j < k; j++) to[j] = AT(from, j);
}
