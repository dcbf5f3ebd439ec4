// The GPU kernel family: gpu_tick runs the tick's stages (any default-order subset, as fused_tick) with a work-group per
// tile of entities and `lanes` work-items per entity, across neurons and samples. The device layout is entity-major
// (S = 1: element k of entity e at e * K + k), so the lanes of an entity read and write neighbouring addresses.
// Each entity's parameters, gradients, samples and activations live in local memory for the whole tick: the
// parameters and optimizer state are read once and written once, the gradients are zeroed on chip (or read once when
// they accumulate) and written once; the guard's norm is an in-group reduction. Built only with VW == 1 (the family
// the executor picks for GPUs, or any device with EMBEDDEDLEARN_OPENCL_KERNELS=gpu). The formulas are the shared
// element functions of stages.cl and optimizers.cl; only the order of a few sums differs from the CPU family
// (per-lane partial sums), within float rounding.
#if VW == 1

#ifdef EL_HAS_FP64
typedef double el_acc;
#else
typedef float el_acc;
#endif

#define GL_SYNC() barrier(CLK_LOCAL_MEM_FENCE)

// Per-entity control slots in local memory (written by the entity's lane 0, read by all after a barrier).
#define CT_STEPPED_SGD 0
#define CT_STEPPED_ADAM 1
#define CT_CLIP 2
#define CT_COEF 3
#define CT_HELD 4     // forward gave a non-finite output (set by any lane)
#define CT_REJECTED 5 // the step gave a non-finite parameter or state value (set by any lane)
#define CT_OUTCOME 6  // the outcome bits this launch found (lane 0 only; into the flags once, at the end)
#define CT_COUNT 7

// Sums each lane's partial (in r[lane]) in lane order on lane 0; callers synchronise around it.
inline el_acc gl_total(__local const el_acc* r, int lanes)
{
    el_acc sum = 0;
    for (int q = 0; q < lanes; q++) sum += r[q];
    return sum;
}

// z = x W^T + b for every layer of one entity, W and x in local memory; lane j computes (sample, output) pairs
// j, j + lanes, ...; each sum runs over the inputs in order, then adds the bias, as the CPU. Every lane of the group
// reaches every barrier (`on` only gates the arithmetic).
inline void gl_forward(int layers, __global const int* widths, int batch, int act, __local const float* W,
    __local const float* X, __local float* A, __local float* Y, int lane, int lanes, int on)
{
    int woff = 0;
    int aoff = 0;
    __local const float* x = X;
    for (int l = 0; l < layers; l++)
    {
        int inW = widths[l];
        int outW = widths[l + 1];
        int last = l == layers - 1;
        __local const float* w = W + woff;
        __local const float* bias = w + inW * outW;
        __local float* dst = last ? Y : A + aoff;
        int hidden = last ? ACT_IDENTITY : act;
        for (int j = lane; on && j < batch * outW; j += lanes)
        {
            int b = j / outW;
            int o = j - (b * outW);
            float s = 0.0f;
            for (int i = 0; i < inW; i++) s += x[(b * inW) + i] * w[(i * outW) + o];
            dst[j] = el_activate(hidden, bias[o] + s);
        }
        GL_SYNC();
        if (!last)
        {
            x = A + aoff;
            aoff += batch * outW;
        }
        woff += (inW * outW) + outW;
    }
}

// Back-propagates dL/do (in D0) through one entity's layers, adding this pass's batch sums into G; D0 and D1 hold the
// input gradients in turn. Lane j owns gradient pairs j, j + lanes, ... of each layer (neighbouring lanes, neighbouring
// addresses); an input gradient's sum over the outputs starts at a lane-dependent output, so that neighbouring lanes
// read different local-memory banks.
inline void gl_backward(int layers, __global const int* widths, int batch, int act, __local const float* W,
    __local const float* X, __local const float* A, __local float* G, __local float* D0, __local float* D1, int lane,
    int lanes, int on)
{
    __local float* dz = D0;
    for (int l = layers - 1; l >= 0; l--)
    {
        int inW = widths[l];
        int outW = widths[l + 1];
        int woff = el_weight_offset(widths, l);
        __local const float* x = l == 0 ? X : A + el_hidden_offset(widths, batch, l - 1);
        __local float* gW = G + woff;
        __local float* gB = gW + (inW * outW);
        for (int o = lane; on && o < outW; o += lanes)
        {
            float s = dz[o];
            for (int b = 1; b < batch; b++) s += dz[(b * outW) + o];
            gB[o] += s;
        }
        for (int j = lane; on && j < inW * outW; j += lanes)
        {
            int i = j / outW;
            int o = j - (i * outW);
            float s = x[i] * dz[o];
            for (int b = 1; b < batch; b++) s += x[(b * inW) + i] * dz[(b * outW) + o];
            gW[j] += s;
        }
        // Every lane reaches the barrier once per layer (a loop with one exit: what a CPU device's compiler needs to
        // run the lanes of a group as loops around the barriers).
        __local float* dx = dz == D0 ? D1 : D0;
        __local const float* w = W + woff;
        for (int j = lane; on && l > 0 && j < batch * inW; j += lanes)
        {
            int b = j / inW;
            int i = j - (b * inW);
            int o = i % outW;
            float s = 0.0f;
            for (int q = 0; q < outW; q++)
            {
                s += w[(i * outW) + o] * dz[(b * outW) + o];
                o = o + 1 == outW ? 0 : o + 1;
            }
            dx[j] = el_derivative(act, x[(b * inW) + i], s);
        }
        GL_SYNC();
        dz = dx;
    }
}

// One pass of the optimizer step over the lane's share of the entity's parameters (inside gpu_tick, its variables in
// scope): computes each new parameter and state value when `run`, collects in `finite` whether all are finite, and
// stores them when `store`. gpu_tick runs it once to check and once to store (two passes with a barrier between,
// not a loop around a barrier: a CPU device's compiler builds those much more slowly).
#define GL_STEP_PASS(run, store) \
    for (int k = lane; (run) && sgdSteps && k < P; k += lanes) \
    { \
        float b = useMomentum ? fromBuf[k] : 0.0f; \
        float np = W[k] - (lr * el_sgd_direction(W[k], G[k], &b, mu, damp, wd, nesterov, maximize, useMomentum, t == 1)); \
        finite &= isfinite(np) && isfinite(b); \
        if (store) W[k] = np; \
        if ((store) && useMomentum) momentum[ep + k] = b; \
    } \
    for (int k = lane; (run) && adamSteps && k < P; k += lanes) \
    { \
        float pv = decoupled && wd != 0.0f ? W[k] * decay : W[k]; \
        float m = fromMoments[k], v = fromMoments[P + k]; \
        float np = el_adam_element(pv, G[k], &m, &v, beta1, beta2, oneMinusB1, oneMinusB2, sqrtBc2, negStepSize, eps, \
            decoupled ? 0.0f : wd, maximize); \
        finite &= isfinite(np) && isfinite(m) && isfinite(v); \
        if (store) W[k] = np; \
        if (store) moments[em + k] = m; \
        if (store) moments[em + P + k] = v; \
    }

__kernel void gpu_tick(EL_TICK_PARAMS, int trainable, int lanes, int perEntity,
    __local float* cache, __local el_acc* red, __local long* stl, __local int* ctl)
{
    int lid = get_local_id(0);
    int slot = lid / lanes;
    int lane = lid - (slot * lanes);
    int e = (get_group_id(0) * (get_local_size(0) / lanes)) + slot;
    int live = e < n;
    int inputsPer = batch * widths[0];
    int snap = (stages & STAGE_SNAPSHOT) != 0;
    int steps = stages & (STAGE_SGDSTEP | STAGE_ADAMSTEP | STAGE_ADAMWSTEP);
    int needGrads = trainable && (snap || (stages & (STAGE_ZEROGRAD | STAGE_BACKWARD | STAGE_GUARD)) || steps);
    __local float* W = cache + (slot * perEntity);
    __local float* G = W + P;
    __local float* X = G + P;
    __local float* A = X + inputsPer;
    __local float* Y = A + nAct;
    __local float* D0 = Y + count;
    __local float* D1 = D0 + (batch * maxW);
    __local long* sl = stl + (slot * ST_COUNT);
    __local int* c = ctl + (slot * CT_COUNT);
    __local el_acc* r = red + (slot * lanes);
    long ep = (long)(live ? e : 0) * P;
    long ex = (long)(live ? e : 0) * inputsPer;
    long ey = (long)(live ? e : 0) * count;
    long eh = (long)(live ? e : 0) * nAct;
    __global const float* sfE = sf + ((long)(live ? e : 0) * SF_COUNT);
    __global const int* siE = si + ((long)(live ? e : 0) * SI_COUNT);
    int flag = live ? flags[e] : OUTCOME_LEFTOUT;
    int infer = live && (flag & EL_INFER_EXCLUDE) == 0;
    int train = trainable && live && (flag & EL_TRAIN_EXCLUDE) == 0;

    // Load: state and control (lane 0), parameters and this tick's samples (all lanes, coalesced).
    if (live && lane == 0)
    {
        for (int k = 0; trainable && k < ST_COUNT; k++) sl[k] = (snap ? snapState : st)[((long)e * ST_COUNT) + k];
        for (int k = 0; k < CT_COUNT; k++) c[k] = 0;
    }
    if (live)
    {
        __global const float* from = (snap ? snapParams : params) + ep;
        for (int k = lane; k < P; k += lanes) W[k] = from[k];
        for (int k = lane; (stages & (STAGE_FORWARD | STAGE_BACKWARD)) && k < inputsPer; k += lanes) X[k] = inputs[ex + k];
        for (int k = lane; (stages & STAGE_BACKWARD) && !(stages & STAGE_FORWARD) && k < nAct; k += lanes) A[k] = acts[eh + k];
        for (int k = lane; (stages & STAGE_MSELOSS) && !(stages & STAGE_FORWARD) && k < count; k += lanes) Y[k] = outputs[ey + k];
        for (int k = lane; trainable && (stages & STAGE_BACKWARD) && !(stages & STAGE_MSELOSS) && k < count; k += lanes) D0[k] = outGrad[ey + k];
    }
    GL_SYNC();
    int clear = (stages & STAGE_ZEROGRAD) && train && sl[ST_BACKWARD_PASSES] % max((long)siE[SI_ACCUMULATION_STEPS], 1L) == 0;
    if (live && needGrads)
    {
        __global const float* from = (snap ? snapGrads : grads) + ep;
        for (int k = lane; k < P; k += lanes) G[k] = clear ? 0.0f : from[k];
    }
    GL_SYNC(); // backward adds into gradients other lanes loaded

    if (stages & STAGE_FORWARD)
    {
        gl_forward(layers, widths, batch, act, W, X, A, Y, lane, lanes, infer);
        // Outputs that are not all finite are not written: the entity keeps its last ones and sits out training.
        int finite = 1;
        for (int j = lane; infer && j < count; j += lanes) finite &= isfinite(Y[j]);
        if (!finite) atomic_or(c + CT_HELD, 1);
        GL_SYNC();
        int held = infer && c[CT_HELD];
        train = train && !held;
        if (held && lane == 0) c[CT_OUTCOME] |= OUTCOME_OUTPUTSHELD;
        for (int j = lane; infer && !held && j < count; j += lanes) outputs[ey + j] = Y[j];
        for (int j = lane; infer && j < nAct; j += lanes) acts[eh + j] = A[j];
    }

    if (stages & STAGE_MSELOSS)
    {
        int reduction = train ? siE[SI_REDUCTION] : 0;
        float scale = reduction == 0 ? 2.0f / count : 2.0f;
        el_acc part = 0;
        for (int j = lane; train && j < count; j += lanes)
        {
            float d = Y[j] - targets[ey + j];
            part += d * d;
            D0[j] = d * scale;
            outGrad[ey + j] = d * scale;
            if (reduction == 2) elements[ey + j] = d * d;
        }
        r[lane] = part;
        GL_SYNC();
        if (train && lane == 0)
        {
            float sum = (float)gl_total(r, lanes);
            loss[e] = reduction == 0 ? sum / count : sum;
        }
        GL_SYNC();
    }

    if (stages & STAGE_BACKWARD)
    {
        gl_backward(layers, widths, batch, act, W, X, A, G, D0, D1, lane, lanes, train);
        if (train && lane == 0)
        {
            long passes = sl[ST_BACKWARD_PASSES] + 1;
            sl[ST_BACKWARD_PASSES] = passes;
            if (passes % max((long)siE[SI_ACCUMULATION_STEPS], 1L) == 0) sl[ST_STEP_DUE] = 1;
        }
        GL_SYNC();
    }

    if (stages & STAGE_GUARD)
    {
        int due = train && sl[ST_STEP_DUE] != 0;
        el_acc part = 0;
        for (int k = lane; due && k < P; k += lanes) { el_acc v = G[k]; part += v * v; }
        r[lane] = part;
        GL_SYNC();
        if (due && lane == 0)
        {
            float norm = (float)sqrt(gl_total(r, lanes));
            long failures = sl[ST_CONSECUTIVE_FAILURES];
            float coef;
            int outcome = el_guard_decide(norm, due, sfE[SF_MAX_GRAD_NORM], (long)siE[SI_FAILURES_BEFORE_QUARANTINE], &failures, &coef);
            sl[ST_GRADIENT_NORM] = (long)as_int(norm);
            if (outcome & OUTCOME_STEPSKIPPED) sl[ST_STEP_DUE] = 0;
            sl[ST_CONSECUTIVE_FAILURES] = failures;
            c[CT_OUTCOME] |= outcome;
            c[CT_CLIP] = (outcome & OUTCOME_CLIPPED) != 0;
            c[CT_COEF] = as_int(coef);
        }
        GL_SYNC();
        int clip = due && c[CT_CLIP];
        float coef = as_float(c[CT_COEF]);
        for (int k = lane; clip && k < P; k += lanes) G[k] *= coef;
    }

    // The optimizer units: the entity steps with the one its settings select, when its window ended (step due), with
    // t = the step count + 1. A first pass checks that every new parameter and state value is finite (any lane sets
    // CT_REJECTED otherwise), a second stores them when all are; then the counters as the CPU (el_step_result): the
    // count becomes t and the failures 0, or the step is rejected and counts a failure; step due is cleared.
    if (steps)
    {
        if (train && lane == 0 && sl[ST_STEP_DUE] != 0)
        {
            int kind = siE[SI_OPTIMIZER];
            int sgd = kind == OPTIMIZER_SGD && (stages & STAGE_SGDSTEP);
            int adam = hasAdam && ((kind == OPTIMIZER_ADAM && (stages & STAGE_ADAMSTEP)) || (kind == OPTIMIZER_ADAMW && (stages & STAGE_ADAMWSTEP)));
            c[CT_STEPPED_SGD] = sgd;
            c[CT_STEPPED_ADAM] = adam ? (kind == OPTIMIZER_ADAMW ? 2 : 1) : 0; // 1 Adam, 2 AdamW
        }
        GL_SYNC();
        // Per-entity conditions gate the loops themselves (not an if around them): a CPU device's compiler runs the
        // lanes of a group as loops between barriers and must see each lane's own condition.
        long t = sl[ST_OPTIMIZER_STEPS] + 1;
        int sgdSteps = train && c[CT_STEPPED_SGD];
        float lr = sfE[SF_LEARNING_RATE], wd = sfE[SF_WEIGHT_DECAY];
        int maximize = train && siE[SI_MAXIMIZE] != 0;
        float mu = sgdSteps ? sfE[SF_MOMENTUM] : 0.0f, damp = sgdSteps ? 1.0f - sfE[SF_DAMPENING] : 0.0f;
        int nesterov = sgdSteps && siE[SI_NESTEROV] != 0;
        int useMomentum = sgdSteps && hasMomentum && mu != 0.0f;
        __global const float* fromBuf = (snap ? snapMomentum : momentum) + ep;
        int adamSteps = train && c[CT_STEPPED_ADAM];
        int decoupled = adamSteps && c[CT_STEPPED_ADAM] == 2;
        float beta1 = adamSteps ? sfE[SF_BETA1] : 0.0f, beta2 = adamSteps ? sfE[SF_BETA2] : 0.0f;
        float eps = adamSteps ? sfE[SF_EPSILON] : 0.0f;
        float decay = decoupled ? el_adamw_decay(lr, wd) : 1.0f;
        float sqrtBc2 = 1.0f, negStepSize = 0.0f, oneMinusB1 = 0.0f, oneMinusB2 = 0.0f;
        if (adamSteps) el_adam_factors(lr, beta1, beta2, t, &sqrtBc2, &negStepSize, &oneMinusB1, &oneMinusB2);
        long em = 2 * ep;
        __global const float* fromMoments = (snap ? snapMoments : moments) + em;
        int finite = 1;
        GL_STEP_PASS(1, 0); // check: no store
        if (!finite) atomic_or(c + CT_REJECTED, 1);
        GL_SYNC();
        int store = !c[CT_REJECTED];
        GL_STEP_PASS(store, store);
        if ((sgdSteps || adamSteps) && lane == 0)
        {
            long stepCount = sl[ST_OPTIMIZER_STEPS], stepFailures = sl[ST_CONSECUTIVE_FAILURES], stepDue = sl[ST_STEP_DUE];
            long limit = siE[SI_FAILURES_BEFORE_QUARANTINE];
            c[CT_OUTCOME] |= el_step_result(1, !c[CT_REJECTED], t, limit, &stepCount, &stepFailures, &stepDue);
            sl[ST_OPTIMIZER_STEPS] = stepCount;
            sl[ST_CONSECUTIVE_FAILURES] = stepFailures;
            sl[ST_STEP_DUE] = stepDue;
        }
    }

    // Write back once: what changed, and, when this launch takes the tick-start snapshot, everything it read (the
    // live buffers are new then).
    if (live)
    {
        int applied = !c[CT_REJECTED]; // a rejected step changed nothing: the entity keeps what it had
        int stepped = applied && (c[CT_STEPPED_SGD] || c[CT_STEPPED_ADAM]);
        int momentumWritten = applied && c[CT_STEPPED_SGD] && hasMomentum && sfE[SF_MOMENTUM] != 0.0f;
        for (int k = lane; (snap || stepped) && k < P; k += lanes) params[ep + k] = W[k];
        int gradsChanged = clear || (train && (stages & STAGE_BACKWARD)) || c[CT_CLIP];
        for (int k = lane; needGrads && (snap || gradsChanged) && k < P; k += lanes) grads[ep + k] = G[k];
        for (int k = lane; snap && hasMomentum && !momentumWritten && k < P; k += lanes) momentum[ep + k] = snapMomentum[ep + k];
        for (int k = lane; snap && hasAdam && !(applied && c[CT_STEPPED_ADAM]) && k < 2 * P; k += lanes)
        {
            moments[(2 * ep) + k] = snapMoments[(2 * ep) + k];
        }
        for (int k = 0; trainable && lane == 0 && k < ST_COUNT; k++) st[((long)e * ST_COUNT) + k] = sl[k];
        // The outcome bits (forward's, the guard's, the step's) go into the flags once, here: lane 0 gathered them in
        // local memory, not in a private variable carried across the barriers since.
        if (lane == 0) flags[e] = flags[e] | c[CT_OUTCOME];
    }
}

#endif
