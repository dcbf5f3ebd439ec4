// EmbeddedLearn optimizer kernels, one per optimizer unit (Training/Optimizers), all with one signature:
//   (n, P, params, grads, state, hasState, sf, si, st, flags)
// One work-item per entity row e in [firstRow, n). The settings offsets SF_* / SI_* and their strides SF_COUNT /
// SI_COUNT are generated from DeviceSettingsLayout (C#) and prepended to this source; EL_AT(k, e, n) is element k
// of entity e for a component of n floats per entity, as the device layout stores it (training.cl defines it).
//
// The counter convention, the same as the CPU's OptimizerStepStage: an entity steps when its window ended
// (st[2] != 0) and its settings select this optimizer; the step count is incremented first, the update uses
// t = the new count (1 on the first step), then the step-due flag is cleared.

// Returns the step number t for entity e, or 0 when it does not step with optimizer `kind`.
inline long el_begin_step(__global const int* si, __global long* st, __global const int* flags, int e, int kind)
{
    if (st[e * ST_COUNT + ST_STEP_DUE] == 0 || si[e * SI_COUNT + SI_OPTIMIZER] != kind || (flags[e] & OUTCOME_LEFTOUT)) return 0;
    long t = st[e * ST_COUNT + ST_OPTIMIZER_STEPS] + 1;
    st[e * ST_COUNT + ST_OPTIMIZER_STEPS] = t;
    return t;
}

inline void el_end_step(__global long* st, int e)
{
    st[e * ST_COUNT + ST_STEP_DUE] = 0;
}

// The Adam update of element k (moments m at EL_AT(k, e, 2P), v at EL_AT(P + k, e, 2P)), with the L2 term
// wd * p added to the gradient first (Adam) or not (AdamW, which decays p before).
inline void el_adam_update(__global float* params, __global const float* grads, __global float* state, int e, int P,
    int maximize, float wd, float beta1, float beta2, float oneMinusB1, float oneMinusB2, float sqrtBc2,
    float negStepSize, float eps)
{
    for (int k = 0; k < P; k++)
    {
        long ip = EL_AT(k, e, P);
        long im = EL_AT(k, e, 2 * P);
        long iv = EL_AT(P + k, e, 2 * P);
        float pv = params[ip];
        float g = grads[ip];
        g = maximize ? -g : g;
        g = wd != 0.0f ? g + (wd * pv) : g;
        float mv = (state[im] * beta1) + (oneMinusB1 * g);
        float vv = (state[iv] * beta2) + (oneMinusB2 * g * g);
        state[im] = mv;
        state[iv] = vv;
        float denom = (sqrt(vv) / sqrtBc2) + eps;
        params[ip] = pv + (negStepSize * mv / denom);
    }
}

// Bias corrections of step t: sqrt(1 - b2^t) and -lr / (1 - b1^t), in double where the device has it.
inline void el_adam_factors(float lr, float beta1, float beta2, long t, float* sqrtBc2, float* negStepSize,
    float* oneMinusB1, float* oneMinusB2)
{
#ifdef EL_HAS_FP64
    double b1 = beta1, b2 = beta2;
    *sqrtBc2 = (float)sqrt(1.0 - pow(b2, (double)t));
    *negStepSize = (float)(-((double)lr / (1.0 - pow(b1, (double)t))));
    *oneMinusB1 = (float)(1.0 - b1);
    *oneMinusB2 = (float)(1.0 - b2);
#else
    *sqrtBc2 = sqrt(-expm1((float)t * log(beta2)));
    *negStepSize = -(lr / -expm1((float)t * log(beta1)));
    *oneMinusB1 = 1.0f - beta1;
    *oneMinusB2 = 1.0f - beta2;
#endif
}

// optim.SGD: g = maximize ? -grad : grad; g += wd p; with momentum m: buf = g on step 1, else
// buf = m buf + (1 - dampening) g; g = nesterov ? g + m buf : buf; p -= lr g.
__kernel void sgd_step(int n, int P, __global float* params, __global const float* grads, __global float* state,
    int hasState, __global const float* sf, __global const int* si, __global long* st, __global const int* flags)
{
    int e = get_global_id(0);
    if (e >= n) return;
    long t = el_begin_step(si, st, flags, e, OPTIMIZER_SGD);
    if (t == 0) return;
    float lr = sf[e * SF_COUNT + SF_LEARNING_RATE], mu = sf[e * SF_COUNT + SF_MOMENTUM];
    float damp = 1.0f - sf[e * SF_COUNT + SF_DAMPENING], wd = sf[e * SF_COUNT + SF_WEIGHT_DECAY];
    int nesterov = si[e * SI_COUNT + SI_NESTEROV], maximize = si[e * SI_COUNT + SI_MAXIMIZE];
    int useMomentum = hasState != 0 && mu != 0.0f;
    for (int k = 0; k < P; k++)
    {
        long i = EL_AT(k, e, P);
        float pv = params[i];
        float g = grads[i];
        g = maximize ? -g : g;
        g = wd != 0.0f ? g + (wd * pv) : g;
        if (useMomentum)
        {
            float b = t == 1 ? g : (mu * state[i]) + (damp * g);
            state[i] = b;
            g = nesterov ? g + (mu * b) : b;
        }
        params[i] = pv - (lr * g);
    }
    el_end_step(st, e);
}

// optim.Adam (amsgrad off), weight decay as L2 added to the gradient.
__kernel void adam_step(int n, int P, __global float* params, __global const float* grads, __global float* state,
    int hasState, __global const float* sf, __global const int* si, __global long* st, __global const int* flags)
{
    int e = get_global_id(0);
    if (e >= n) return;
    long t = el_begin_step(si, st, flags, e, OPTIMIZER_ADAM);
    if (t == 0) return;
    float lr = sf[e * SF_COUNT + SF_LEARNING_RATE], beta1 = sf[e * SF_COUNT + SF_BETA1], beta2 = sf[e * SF_COUNT + SF_BETA2];
    float sqrtBc2, negStepSize, oneMinusB1, oneMinusB2;
    el_adam_factors(lr, beta1, beta2, t, &sqrtBc2, &negStepSize, &oneMinusB1, &oneMinusB2);
    el_adam_update(params, grads, state, e, P, si[e * SI_COUNT + SI_MAXIMIZE], sf[e * SF_COUNT + SF_WEIGHT_DECAY],
        beta1, beta2, oneMinusB1, oneMinusB2, sqrtBc2, negStepSize, sf[e * SF_COUNT + SF_EPSILON]);
    el_end_step(st, e);
}

// optim.AdamW (amsgrad off): p *= 1 - lr wd (the factor computed in double where available, as torch does from its
// Python floats), then the Adam update without the L2 term.
__kernel void adamw_step(int n, int P, __global float* params, __global const float* grads, __global float* state,
    int hasState, __global const float* sf, __global const int* si, __global long* st, __global const int* flags)
{
    int e = get_global_id(0);
    if (e >= n) return;
    long t = el_begin_step(si, st, flags, e, OPTIMIZER_ADAMW);
    if (t == 0) return;
    float lr = sf[e * SF_COUNT + SF_LEARNING_RATE], wd = sf[e * SF_COUNT + SF_WEIGHT_DECAY];
    float beta1 = sf[e * SF_COUNT + SF_BETA1], beta2 = sf[e * SF_COUNT + SF_BETA2];
    if (wd != 0.0f)
    {
#ifdef EL_HAS_FP64
        float decay = (float)(1.0 - ((double)lr * (double)wd));
#else
        float decay = 1.0f - (lr * wd);
#endif
        for (int k = 0; k < P; k++)
        {
            params[EL_AT(k, e, P)] *= decay;
        }
    }
    float sqrtBc2, negStepSize, oneMinusB1, oneMinusB2;
    el_adam_factors(lr, beta1, beta2, t, &sqrtBc2, &negStepSize, &oneMinusB1, &oneMinusB2);
    el_adam_update(params, grads, state, e, P, si[e * SI_COUNT + SI_MAXIMIZE], 0.0f,
        beta1, beta2, oneMinusB1, oneMinusB2, sqrtBc2, negStepSize, sf[e * SF_COUNT + SF_EPSILON]);
    el_end_step(st, e);
}
