// EmbeddedLearn training kernels. One work-item per entity; every kernel is launched once per stage per
// archetype over its N entities. The maths mirrors the CPU kernels in Training/Cpu exactly (same formulas,
// same summation order as their scalar paths); results agree within float rounding.
//
// Parameter layout per entity (P floats): for each layer l, W^T [in_l, out_l] row-major, then b [out_l].
// Settings per entity: sf[SF_COUNT] floats and si[SI_COUNT] ints at the offsets SF_* / SI_* that
// DeviceSettingsLayout (C#) generates and prepends to this source. The optimizer steps are in optimizers.cl.
// State per entity: st[ST_COUNT] longs at the ST_* offsets (generated): backward passes, optimizer steps, step due,
// consecutive failures, last gradient norm (float bits). flags[e]: the tick's outcome bits (OUTCOME_*): the host sets
// OUTCOME_LEFTOUT for an entity whose inputs or targets are not finite (every kernel then leaves it untouched); the
// guard adds OUTCOME_STEPSKIPPED, OUTCOME_CLIPPED and OUTCOME_QUARANTINED; the host reads them back after the tick.

#if defined(cl_khr_fp64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define EL_HAS_FP64 1
#elif defined(__opencl_c_fp64)
#define EL_HAS_FP64 1
#endif

// Element k of entity e, for a component of n floats per entity (entity-major device layout).
#define EL_AT(k, e, n) ((long)(e) * (n) + (k))

#define ACT_IDENTITY 0
#define ACT_RELU 1
#define ACT_LEAKY 2
#define ACT_TANH 3
#define ACT_SIGMOID 4
#define LEAKY_SLOPE 0.01f

inline float el_activate(int act, float v)
{
    switch (act)
    {
        case ACT_RELU: return fmax(v, 0.0f);
        case ACT_LEAKY: return v > 0.0f ? v : v * LEAKY_SLOPE;
        case ACT_TANH: return tanh(v);
        case ACT_SIGMOID: return 1.0f / (1.0f + exp(-v));
        default: return v;
    }
}

inline float el_derivative(int act, float y, float g)
{
    switch (act)
    {
        case ACT_RELU: return y > 0.0f ? g : 0.0f;
        case ACT_LEAKY: return g * (y > 0.0f ? 1.0f : LEAKY_SLOPE);
        case ACT_TANH: return g * (1.0f - (y * y));
        case ACT_SIGMOID: return g * (y * (1.0f - y));
        default: return g;
    }
}

inline int el_weight_offset(__global const int* widths, int layer)
{
    int offset = 0;
    for (int l = 0; l < layer; l++)
    {
        offset += widths[l] * widths[l + 1] + widths[l + 1];
    }
    return offset;
}

// Offset of hidden layer h's [B, width_{h+1}] block in an entity's activations.
inline int el_hidden_offset(__global const int* widths, int batch, int hidden)
{
    int offset = 0;
    for (int h = 0; h < hidden; h++)
    {
        offset += batch * widths[h + 1];
    }
    return offset;
}

// Clears gradients at the start of each accumulation window (backward passes % K == 0).
__kernel void zero_grad(int n, int P, __global float* grads, __global const int* si, __global const long* st,
    __global const int* flags)
{
    int e = get_global_id(0);
    if (e >= n || (flags[e] & OUTCOME_LEFTOUT)) return;
    long k = si[e * SI_COUNT + SI_ACCUMULATION_STEPS];
    if (st[e * ST_COUNT + ST_BACKWARD_PASSES] % k != 0) return;
    __global float* g = grads + (long)e * P;
    for (int i = 0; i < P; i++) g[i] = 0.0f;
}

// z = x W^T + b per layer; hidden activations kept; outputs = last z.
__kernel void forward(int n, int layers, __global const int* widths, int batch, int act, int P, int nAct,
    __global const float* params, __global const float* inputs, __global float* acts, __global float* outputs,
    __global const int* flags)
{
    int e = get_global_id(0);
    if (e >= n || (flags[e] & OUTCOME_LEFTOUT)) return;
    int inWidth = widths[0];
    int outWidth = widths[layers];
    __global const float* p = params + (long)e * P;
    __global const float* x = inputs + (long)e * batch * inWidth;
    __global float* a = acts + (long)e * nAct;
    __global float* y = outputs + (long)e * batch * outWidth;
    int woff = 0;
    int aoff = 0;
    int last = layers - 1;
    for (int l = 0; l <= last; l++)
    {
        int inW = widths[l];
        int outW = widths[l + 1];
        __global const float* w = p + woff;
        __global const float* bias = w + inW * outW;
        __global float* dst = l == last ? y : a + aoff;
        for (int b = 0; b < batch; b++)
        {
            __global const float* xb = x + b * inW;
            for (int o = 0; o < outW; o++)
            {
                float s = 0.0f;
                for (int i = 0; i < inW; i++) s += xb[i] * w[i * outW + o];
                float v = bias[o] + s;
                dst[b * outW + o] = l == last ? v : el_activate(act, v);
            }
        }
        if (l != last)
        {
            x = a + aoff;
            aoff += batch * outW;
        }
        woff += inW * outW + outW;
    }
}

// MSE per entity over its count = B * out outputs; writes dL/do, the loss and (reduction none) element losses.
__kernel void mse_loss(int n, int count, __global const float* outputs, __global const float* targets,
    __global float* outGrad, __global float* elements, __global float* loss, __global const int* si,
    __global const int* flags)
{
    int e = get_global_id(0);
    if (e >= n || (flags[e] & OUTCOME_LEFTOUT)) return;
    int reduction = si[e * SI_COUNT + SI_REDUCTION];
    long base = (long)e * count;
    float sum = 0.0f;
    float scale = reduction == 0 ? 2.0f / count : 2.0f;
    for (int i = 0; i < count; i++)
    {
        float d = outputs[base + i] - targets[base + i];
        sum += d * d;
        if (reduction == 2) elements[base + i] = d * d;
        outGrad[base + i] = d * scale;
    }
    loss[e] = reduction == 0 ? sum / count : sum;
}

// Back-propagates dL/do and adds this pass's batch sums into the gradients; counts the pass.
__kernel void backward(int n, int layers, __global const int* widths, int batch, int act, int P, int nAct, int maxW,
    __global const float* params, __global const float* inputs, __global const float* acts, __global const float* outGrad,
    __global float* grads, __global float* scratch, __global const int* si, __global long* st, __global const int* flags)
{
    int e = get_global_id(0);
    if (e >= n || (flags[e] & OUTCOME_LEFTOUT)) return;
    int inWidth = widths[0];
    int outWidth = widths[layers];
    __global const float* p = params + (long)e * P;
    __global const float* xIn = inputs + (long)e * batch * inWidth;
    __global const float* a = acts + (long)e * nAct;
    __global float* g = grads + (long)e * P;
    __global float* bufA = scratch + (long)e * 2 * batch * maxW;
    __global float* bufB = bufA + batch * maxW;
    __global const float* dz = outGrad + (long)e * batch * outWidth;
    for (int l = layers - 1; l >= 0; l--)
    {
        int inW = widths[l];
        int outW = widths[l + 1];
        __global const float* x = l == 0 ? xIn : a + el_hidden_offset(widths, batch, l - 1);
        int woff = el_weight_offset(widths, l);
        __global float* gW = g + woff;
        __global float* gB = gW + inW * outW;
        for (int o = 0; o < outW; o++)
        {
            float s = dz[o];
            for (int b = 1; b < batch; b++) s += dz[b * outW + o];
            gB[o] += s;
        }
        for (int i = 0; i < inW; i++)
        {
            for (int o = 0; o < outW; o++)
            {
                float s = x[i] * dz[o];
                for (int b = 1; b < batch; b++) s += x[b * inW + i] * dz[b * outW + o];
                gW[i * outW + o] += s;
            }
        }
        if (l == 0) break;
        __global float* dx = dz == bufA ? bufB : bufA;
        __global const float* w = p + woff;
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < inW; i++)
            {
                float s = 0.0f;
                for (int o = 0; o < outW; o++) s += w[i * outW + o] * dz[b * outW + o];
                dx[b * inW + i] = el_derivative(act, x[b * inW + i], s);
            }
        }
        dz = dx;
    }
    long passes = st[e * ST_COUNT + ST_BACKWARD_PASSES] + 1;
    st[e * ST_COUNT + ST_BACKWARD_PASSES] = passes;
    if (passes % (long)si[e * SI_COUNT + SI_ACCUMULATION_STEPS] == 0) st[e * ST_COUNT + ST_STEP_DUE] = 1;
}

// The game-safe guard between backward and the step, for entities due to step: the total gradient 2-norm (summed in
// double where the device has it), kept in the state; a non-finite norm skips the step and counts a failure (the
// entity is marked for quarantine at FailuresBeforeQuarantine in a row); otherwise clip_grad_norm_:
// coef = max_norm / (norm + 1e-6), gradients scaled when coef < 1.
__kernel void guard(int n, int P, __global float* grads, __global const float* sf, __global const int* si,
    __global long* st, __global int* flags)
{
    int e = get_global_id(0);
    if (e >= n || (flags[e] & OUTCOME_LEFTOUT) || st[e * ST_COUNT + ST_STEP_DUE] == 0) return;
#ifdef EL_HAS_FP64
    double sum = 0.0;
    for (int k = 0; k < P; k++) { double g = grads[EL_AT(k, e, P)]; sum += g * g; }
    float norm = (float)sqrt(sum);
#else
    float sum = 0.0f;
    for (int k = 0; k < P; k++) { float g = grads[EL_AT(k, e, P)]; sum += g * g; }
    float norm = sqrt(sum);
#endif
    st[e * ST_COUNT + ST_GRADIENT_NORM] = (long)as_int(norm);
    if (!isfinite(norm))
    {
        st[e * ST_COUNT + ST_STEP_DUE] = 0;
        long failures = st[e * ST_COUNT + ST_CONSECUTIVE_FAILURES] + 1;
        st[e * ST_COUNT + ST_CONSECUTIVE_FAILURES] = failures;
        int limit = si[e * SI_COUNT + SI_FAILURES_BEFORE_QUARANTINE];
        flags[e] |= OUTCOME_STEPSKIPPED | (limit > 0 && failures >= limit ? OUTCOME_QUARANTINED : 0);
        return;
    }
    st[e * ST_COUNT + ST_CONSECUTIVE_FAILURES] = 0;
    float maxNorm = sf[e * SF_COUNT + SF_MAX_GRAD_NORM];
    if (maxNorm > 0.0f)
    {
        float coef = maxNorm / (norm + 1e-6f);
        if (coef < 1.0f)
        {
            for (int k = 0; k < P; k++) grads[EL_AT(k, e, P)] *= coef;
            flags[e] |= OUTCOME_CLIPPED;
        }
    }
}
