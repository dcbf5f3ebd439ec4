// The kernels: one per stage, the fused tick, and the layout conversions. Every kernel takes n (entities) and
// S (the tile, see common.cl; a multiple of VW). In the stage and fused kernels item w handles entities w * VW to
// w * VW + VW - 1 (lanes past n compute on zero padding and are never read); the conversions run one work-item
// per entity. The launch is rounded up to whole work-groups; items starting at or past n do nothing.
// flags holds one int per entity (the tick's outcome bits, OUTCOME_*, FLAG_DEFERRED and FLAG_RESTING; OFF(e, 1) == e):
// a stage runs on the lanes whose flags share no bit with its `exclude` (for forward: an entity with bad data, or one
// the tick does not serve; for training stages: also the entities outside the training budget's window).


__kernel void zero_grad(int n, int S, int P, __global float* grads, __global const int* si, __global const long* st,
    __global const int* flags, int exclude)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    el_zero_grad(S, P, grads + OFF(e, P), si + OFF(e, SI_COUNT), st + OFF(e, ST_COUNT), EL_ON(flags + OFF(e, 1), exclude));
}

__kernel void forward(int n, int S, int layers, __global const int* widths, int batch, int act, int P, int nAct,
    __global const float* params, __global const float* inputs, __global float* acts, __global float* outputs,
    __global const int* flags, int exclude)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    el_forward(S, layers, widths, batch, act, params + OFF(e, P), inputs + OFF(e, batch * widths[0]),
        acts + OFF(e, nAct), outputs + OFF(e, batch * widths[layers]), EL_ON(flags + OFF(e, 1), exclude));
}

__kernel void mse_loss(int n, int S, int count, __global const float* outputs, __global const float* targets,
    __global float* outGrad, __global float* elements, __global float* loss, __global const int* si,
    __global const int* flags, int exclude)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    long o = OFF(e, count);
    el_mse_loss(S, count, outputs + o, targets + o, outGrad + o, elements + o, loss + OFF(e, 1), si + OFF(e, SI_COUNT),
        EL_ON(flags + OFF(e, 1), exclude));
}

__kernel void backward(int n, int S, int layers, __global const int* widths, int batch, int act, int P, int nAct, int maxW,
    __global const float* params, __global const float* inputs, __global const float* acts, __global const float* outGrad,
    __global float* grads, __global float* scratch, __global const int* si, __global long* st,
    __global const int* flags, int exclude)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    el_backward(S, layers, widths, batch, act, maxW, params + OFF(e, P), inputs + OFF(e, batch * widths[0]),
        acts + OFF(e, nAct), outGrad + OFF(e, batch * widths[layers]), grads + OFF(e, P),
        scratch + OFF(e, 2 * batch * maxW), si + OFF(e, SI_COUNT), st + OFF(e, ST_COUNT), EL_ON(flags + OFF(e, 1), exclude));
}

__kernel void guard(int n, int S, int P, __global float* grads, __global const float* sf, __global const int* si,
    __global long* st, __global int* flags, int exclude)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    __global int* fl = flags + OFF(e, 1);
    el_guard(S, P, grads + OFF(e, P), sf + OFF(e, SF_COUNT), si + OFF(e, SI_COUNT), st + OFF(e, ST_COUNT), fl, EL_ON(fl, exclude));
}

// The step kernels of the optimizer units (optimizers.cl), one signature for all.
#define EL_STEP_KERNEL(name, body, stateFloats) \
__kernel void name(int n, int S, int P, __global float* params, __global const float* grads, __global float* state, \
    int hasState, __global const float* sf, __global const int* si, __global long* st, __global const int* flags, int exclude) \
{ \
    int e = get_global_id(0) * VW; \
    if (e >= n) return; \
    long o = OFF(e, P); \
    body(S, P, params + o, grads + o, state + (hasState ? OFF(e, (stateFloats) * P) : 0), hasState, sf + OFF(e, SF_COUNT), \
        si + OFF(e, SI_COUNT), st + OFF(e, ST_COUNT), EL_ON(flags + OFF(e, 1), exclude)); \
}

// The Adam-family bodies take no hasState (their moments always exist): adapters with the common signature.
inline void el_adam_body(long S, int P, __global float* p, __global const float* g, __global float* m, int hasState,
    __global const float* sf, __global const int* si, __global long* st, vi on) { el_adam_step(S, P, p, g, m, sf, si, st, on); }
inline void el_adamw_body(long S, int P, __global float* p, __global const float* g, __global float* m, int hasState,
    __global const float* sf, __global const int* si, __global long* st, vi on) { el_adamw_step(S, P, p, g, m, sf, si, st, on); }

EL_STEP_KERNEL(sgd_step, el_sgd_step, 1)
EL_STEP_KERNEL(adam_step, el_adam_body, 2)
EL_STEP_KERNEL(adamw_step, el_adamw_body, 2)

// The stages whose bits (1 << OpenClStageKind) are set in `stages`, in the default order, for the work-item's
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
    long ox = OFF(e, batch * widths[0]);
    long oy = OFF(e, count);
    long oh = OFF(e, nAct);
    long of = OFF(e, SF_COUNT);
    long oi = OFF(e, SI_COUNT);
    long ot = OFF(e, ST_COUNT);
    __global int* fl = flags + OFF(e, 1);
    vi infer = EL_ON(fl, OUTCOME_LEFTOUT | FLAG_DEFERRED);
    vi train = EL_ON(fl, OUTCOME_LEFTOUT | FLAG_DEFERRED | FLAG_RESTING);
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
    if (stages & STAGE_ZEROGRAD) el_zero_grad(S, P, grads + op, si + oi, st + ot, train);
    if (stages & STAGE_FORWARD) el_forward(S, layers, widths, batch, act, params + op, inputs + ox, acts + oh, outputs + oy, infer);
    if (stages & STAGE_MSELOSS)
    {
        el_mse_loss(S, count, outputs + oy, targets + oy, outGrad + oy, elements + oy, loss + OFF(e, 1), si + oi, train);
    }
    if (stages & STAGE_BACKWARD)
    {
        el_backward(S, layers, widths, batch, act, maxW, params + op, inputs + ox, acts + oh, outGrad + oy, grads + op,
            scratch + OFF(e, 2 * batch * maxW), si + oi, st + ot, train);
    }
    if (stages & STAGE_GUARD) el_guard(S, P, grads + op, sf + of, si + oi, st + ot, fl, train);
    if (stages & STAGE_SGDSTEP)
    {
        el_sgd_step(S, P, params + op, grads + op, momentum + (hasMomentum ? op : 0), hasMomentum, sf + of, si + oi, st + ot, train);
    }
    if ((stages & STAGE_ADAMSTEP) && hasAdam) el_adam_step(S, P, params + op, grads + op, moments + oa, sf + of, si + oi, st + ot, train);
    if ((stages & STAGE_ADAMWSTEP) && hasAdam) el_adamw_step(S, P, params + op, grads + op, moments + oa, sf + of, si + oi, st + ot, train);
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
