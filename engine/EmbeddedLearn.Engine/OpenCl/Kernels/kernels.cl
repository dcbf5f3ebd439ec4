// The kernels: one per stage, the fused tick, and the layout conversions. Every kernel takes n (entities) and
// S (stride, >= n rounded up to VW). In the stage and fused kernels item w handles entities w * VW to
// w * VW + VW - 1 (lanes past n compute on zero padding and are never read); the conversions run one work-item
// per entity. The launch is rounded up to whole work-groups; items starting at or past n do nothing.

__kernel void zero_grad(int n, int S, int P, __global float* grads, __global const int* si, __global const long* st)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    el_zero_grad(S, P, grads + e, si + e, st + e);
}

__kernel void forward(int n, int S, int layers, __global const int* widths, int batch, int act,
    __global const float* params, __global const float* inputs, __global float* acts, __global float* outputs)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    el_forward(S, layers, widths, batch, act, params + e, inputs + e, acts + e, outputs + e);
}

__kernel void mse_loss(int n, int S, int count, __global const float* outputs, __global const float* targets,
    __global float* outGrad, __global float* elements, __global float* loss, __global const int* si)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    el_mse_loss(S, count, outputs + e, targets + e, outGrad + e, elements + e, loss + e, si + e);
}

__kernel void backward(int n, int S, int layers, __global const int* widths, int batch, int act, int maxW,
    __global const float* params, __global const float* inputs, __global const float* acts, __global const float* outGrad,
    __global float* grads, __global float* scratch, __global const int* si, __global long* st)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    el_backward(S, layers, widths, batch, act, maxW, params + e, inputs + e, acts + e, outGrad + e, grads + e,
        scratch + e, si + e, st + e);
}

__kernel void sgd_step(int n, int S, int P, __global float* params, __global const float* grads, __global float* momentum,
    int hasMomentum, __global const float* sf, __global const int* si, __global long* st)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    el_sgd_step(S, P, params + e, grads + e, momentum + e, hasMomentum, sf + e, si + e, st + e);
}

__kernel void adam_step(int n, int S, int P, __global float* params, __global const float* grads, __global float* moments,
    __global const float* sf, __global const int* si, __global long* st)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    el_adam_step(S, P, params + e, grads + e, moments + e, sf + e, si + e, st + e);
}

// The stages whose bits are set in `stages`, in the default order, for the work-item's entities: one launch
// instead of up to six, and each entity's outputs, output gradient and gradients are still in cache when the
// next stage reads them. With STAGE_SNAPSHOT it first copies the entity's state into the snapshot buffers.
__kernel void fused_tick(int n, int S, int stages, int layers, __global const int* widths, int batch, int act, int P,
    int count, int maxW, __global float* params, __global const float* inputs, __global float* acts,
    __global float* outputs, __global const float* targets, __global float* outGrad, __global float* elements,
    __global float* loss, __global float* grads, __global float* scratch, __global float* momentum, int hasMomentum,
    __global float* moments, int hasAdam, __global const float* sf, __global const int* si, __global long* st,
    __global float* snapParams, __global float* snapGrads, __global float* snapMomentum, __global float* snapMoments,
    __global long* snapState)
{
    int e = get_global_id(0) * VW;
    if (e >= n) return;
    if (stages & STAGE_SNAPSHOT)
    {
        el_copy(S, P, params + e, snapParams + e);
        el_copy(S, P, grads + e, snapGrads + e);
        if (hasMomentum) el_copy(S, P, momentum + e, snapMomentum + e);
        if (hasAdam) el_copy(S, 2 * P, moments + e, snapMoments + e);
        ST(snapState + e, 0, LD(st + e, 0));
        ST(snapState + e, 1, LD(st + e, 1));
        ST(snapState + e, 2, LD(st + e, 2));
    }
    if (stages & STAGE_ZERO_GRAD) el_zero_grad(S, P, grads + e, si + e, st + e);
    if (stages & STAGE_FORWARD) el_forward(S, layers, widths, batch, act, params + e, inputs + e, acts + e, outputs + e);
    if (stages & STAGE_MSE_LOSS) el_mse_loss(S, count, outputs + e, targets + e, outGrad + e, elements + e, loss + e, si + e);
    if (stages & STAGE_BACKWARD)
    {
        el_backward(S, layers, widths, batch, act, maxW, params + e, inputs + e, acts + e, outGrad + e, grads + e,
            scratch + e, si + e, st + e);
    }
    if (stages & STAGE_SGD) el_sgd_step(S, P, params + e, grads + e, momentum + e, hasMomentum, sf + e, si + e, st + e);
    if (stages & STAGE_ADAM) el_adam_step(S, P, params + e, grads + e, moments + e, sf + e, si + e, st + e);
}

// Entity-major [n, k] (as the host holds a component) to interleaved [k, S].
__kernel void to_interleaved(int n, int S, int k, __global const float* src, __global float* dst)
{
    int e = get_global_id(0);
    if (e >= n) return;
    __global const float* from = src + (long)e * k;
    __global float* to = dst + e;
    for (int j = 0; j < k; j++) AT(to, j) = from[j];
}

// Interleaved [k, S] to entity-major [n, k].
__kernel void to_entity_major(int n, int S, int k, __global const float* src, __global float* dst)
{
    int e = get_global_id(0);
    if (e >= n) return;
    __global const float* from = src + e;
    __global float* to = dst + (long)e * k;
    for (int j = 0; j < k; j++) to[j] = AT(from, j);
}
