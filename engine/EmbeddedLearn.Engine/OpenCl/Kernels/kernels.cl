// The kernels: one per stage, the fused tick, and the layout conversions. Every kernel takes n (entities) and
// S (the tile, see common.cl; a multiple of VW). In the stage and fused kernels item w handles entities w * VW to
// w * VW + VW - 1 (lanes past n compute on zero padding and are never read); the conversions run one work-item
// per entity. The launch is rounded up to whole work-groups; items starting at or past n do nothing.

__kernel void zero_grad(int n, int S, int P, __global float* grads, __global const int* si, __global const long* st)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    el_zero_grad(S, P, grads + OFF(e, P), si + OFF(e, 8), st + OFF(e, 3));
}

__kernel void forward(int n, int S, int layers, __global const int* widths, int batch, int act, int P, int nAct,
    __global const float* params, __global const float* inputs, __global float* acts, __global float* outputs)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    el_forward(S, layers, widths, batch, act, params + OFF(e, P), inputs + OFF(e, batch * widths[0]),
        acts + OFF(e, nAct), outputs + OFF(e, batch * widths[layers]));
}

__kernel void mse_loss(int n, int S, int count, __global const float* outputs, __global const float* targets,
    __global float* outGrad, __global float* elements, __global float* loss, __global const int* si)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    long o = OFF(e, count);
    el_mse_loss(S, count, outputs + o, targets + o, outGrad + o, elements + o, loss + OFF(e, 1), si + OFF(e, 8));
}

__kernel void backward(int n, int S, int layers, __global const int* widths, int batch, int act, int P, int nAct, int maxW,
    __global const float* params, __global const float* inputs, __global const float* acts, __global const float* outGrad,
    __global float* grads, __global float* scratch, __global const int* si, __global long* st)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    el_backward(S, layers, widths, batch, act, maxW, params + OFF(e, P), inputs + OFF(e, batch * widths[0]),
        acts + OFF(e, nAct), outGrad + OFF(e, batch * widths[layers]), grads + OFF(e, P),
        scratch + OFF(e, 2 * batch * maxW), si + OFF(e, 8), st + OFF(e, 3));
}

__kernel void sgd_step(int n, int S, int P, __global float* params, __global const float* grads, __global float* momentum,
    int hasMomentum, __global const float* sf, __global const int* si, __global long* st)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    long o = OFF(e, P);
    el_sgd_step(S, P, params + o, grads + o, momentum + (hasMomentum ? o : 0), hasMomentum, sf + OFF(e, 8),
        si + OFF(e, 8), st + OFF(e, 3));
}

__kernel void adam_step(int n, int S, int P, __global float* params, __global const float* grads, __global float* moments,
    __global const float* sf, __global const int* si, __global long* st)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    long o = OFF(e, P);
    el_adam_step(S, P, params + o, grads + o, moments + OFF(e, 2 * P), sf + OFF(e, 8), si + OFF(e, 8), st + OFF(e, 3));
}

// The stages whose bits are set in `stages`, in the default order, for the work-item's entities: one launch
// instead of up to six, and each entity's outputs, output gradient and gradients are still in cache when the
// next stage reads them. With STAGE_SNAPSHOT the tick-start state is in the snap* buffers (the host swapped
// them with the live ones): the kernel copies it into the live buffers first and changes only those, so the
// snapshot costs one read and one write of the state, which the stages need anyway, and no separate copy.
__kernel void fused_tick(int n, int S, int stages, int layers, __global const int* widths, int batch, int act, int P,
    int count, int maxW, int nAct, __global float* params, __global const float* inputs, __global float* acts,
    __global float* outputs, __global const float* targets, __global float* outGrad, __global float* elements,
    __global float* loss, __global float* grads, __global float* scratch, __global float* momentum, int hasMomentum,
    __global float* moments, int hasAdam, __global const float* sf, __global const int* si, __global long* st,
    __global float* snapParams, __global float* snapGrads, __global float* snapMomentum, __global float* snapMoments,
    __global long* snapState)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    long op = OFF(e, P);
    long oa = OFF(e, 2 * P);
    long ox = OFF(e, batch * widths[0]);
    long oy = OFF(e, count);
    long oh = OFF(e, nAct);
    long os = OFF(e, 8);
    long ot = OFF(e, 3);
    if (stages & STAGE_SNAPSHOT)
    {
        ST(st + ot, 0, LD(snapState + ot, 0));
        ST(st + ot, 1, LD(snapState + ot, 1));
        ST(st + ot, 2, LD(snapState + ot, 2));
        el_copy(S, P, snapParams + op, params + op);
        // When zero_grad is about to clear every lane's gradients, the old ones need not come across.
        if (!(stages & STAGE_ZERO_GRAD) || !ALL(el_window_starts(S, si + os, st + ot)))
        {
            el_copy(S, P, snapGrads + op, grads + op);
        }
        if (hasMomentum) el_copy(S, P, snapMomentum + op, momentum + op);
        if (hasAdam) el_copy(S, 2 * P, snapMoments + oa, moments + oa);
    }
    if (stages & STAGE_ZERO_GRAD) el_zero_grad(S, P, grads + op, si + os, st + ot);
    if (stages & STAGE_FORWARD) el_forward(S, layers, widths, batch, act, params + op, inputs + ox, acts + oh, outputs + oy);
    if (stages & STAGE_MSE_LOSS)
    {
        el_mse_loss(S, count, outputs + oy, targets + oy, outGrad + oy, elements + oy, loss + OFF(e, 1), si + os);
    }
    if (stages & STAGE_BACKWARD)
    {
        el_backward(S, layers, widths, batch, act, maxW, params + op, inputs + ox, acts + oh, outGrad + oy, grads + op,
            scratch + OFF(e, 2 * batch * maxW), si + os, st + ot);
    }
    if (stages & STAGE_SGD)
    {
        el_sgd_step(S, P, params + op, grads + op, momentum + (hasMomentum ? op : 0), hasMomentum, sf + os, si + os, st + ot);
    }
    if (stages & STAGE_ADAM) el_adam_step(S, P, params + op, grads + op, moments + oa, sf + os, si + os, st + ot);
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
