// The stage bodies for the VW entities of one work-item. The maths mirrors the CPU kernels in Training/Cpu exactly
// (same formulas, same summation order as their scalar paths); results agree within float rounding. Pointers
// arrive offset by the work-item's first entity (see common.cl); S is the stride. Settings and counters differ per
// entity, so per-entity decisions are lane masks that select what is stored. Every stage body takes `on`, the lanes
// it may change (entities not left out of the tick and, for training stages, inside the training window); STM
// stores only on those lanes, so an entity left out keeps everything it had.

// The bits of a float lane as an int lane.
#if VW == 1
#define EL_AS_INT(x) as_int(x)
#else
#define EL_AS_INT(x) EL_CAT(as_int, VW)(x)
#endif


// Copies count floats of the entity's state (the tick-start snapshot, taken inside the fused kernel, where the
// state is read anyway, instead of a separate copy of whole buffers).
inline void el_copy(long S, int count, __global const float* from, __global float* to)
{
    for (int i = 0; i < count; i++) ST(to, i, LD(from, i));
}

// The lanes whose accumulation window starts this pass (backward passes % K == 0).
inline vi el_window_starts(long S, __global const int* si, __global const long* st)
{
    vl k = max(TO_L(LD(si, SI_ACCUMULATION_STEPS)), (vl)1);
    return TO_I(LD(st, ST_BACKWARD_PASSES) % k == 0);
}

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

// Stores outputs o..o+3 of sample bs of the layer (sums s0..s3 plus the bias, then the activation).
#define EL_OUT4(bs, s0, s1, s2, s3) \
    STM(dst, (bs) * outW + o, el_activate(hidden, LD(bias, o) + (s0))); \
    STM(dst, (bs) * outW + o + 1, el_activate(hidden, LD(bias, o + 1) + (s1))); \
    STM(dst, (bs) * outW + o + 2, el_activate(hidden, LD(bias, o + 2) + (s2))); \
    STM(dst, (bs) * outW + o + 3, el_activate(hidden, LD(bias, o + 3) + (s3)))

// Computes and stores output o of sample bs alone.
#define EL_OUT1(bs, o) \
    { \
        vf s = 0.0f; \
        for (int i = 0; i < inW; i++) s += LD(x, (bs) * inW + i) * LD(w, i * outW + (o)); \
        STM(dst, (bs) * outW + (o), el_activate(hidden, LD(bias, (o)) + s)); \
    }

// z = x W^T + b per layer; hidden activations kept; outputs = last z.
inline void el_forward(long S, int layers, __global const int* widths, int batch, int act,
    __global const float* p, __global const float* x, __global float* a, __global float* y, vi on)
{
    if (!ANY(on)) return;
    int woff = 0;
    int aoff = 0;
    int last = layers - 1;
    for (int l = 0; l <= last; l++)
    {
        int inW = widths[l];
        int outW = widths[l + 1];
        __global const float* w = p + (long)woff * S;
        __global const float* bias = w + (long)(inW * outW) * S;
        __global float* dst = l == last ? y : a + (long)aoff * S;
        int hidden = l == last ? ACT_IDENTITY : act;
        int b = 0;
        // Four samples by four outputs at a time: each weight and input load serves four of sixteen independent
        // sums; every sum still runs over i in order, as on the CPU.
        for (; b + 4 <= batch; b += 4)
        {
            int o = 0;
            for (; o + 4 <= outW; o += 4)
            {
                vf s00 = 0.0f, s01 = 0.0f, s02 = 0.0f, s03 = 0.0f, s10 = 0.0f, s11 = 0.0f, s12 = 0.0f, s13 = 0.0f;
                vf s20 = 0.0f, s21 = 0.0f, s22 = 0.0f, s23 = 0.0f, s30 = 0.0f, s31 = 0.0f, s32 = 0.0f, s33 = 0.0f;
                for (int i = 0; i < inW; i++)
                {
                    int wi = i * outW + o;
                    vf w0 = LD(w, wi), w1 = LD(w, wi + 1), w2 = LD(w, wi + 2), w3 = LD(w, wi + 3);
                    vf x0 = LD(x, b * inW + i), x1 = LD(x, (b + 1) * inW + i);
                    vf x2 = LD(x, (b + 2) * inW + i), x3 = LD(x, (b + 3) * inW + i);
                    s00 += x0 * w0; s01 += x0 * w1; s02 += x0 * w2; s03 += x0 * w3;
                    s10 += x1 * w0; s11 += x1 * w1; s12 += x1 * w2; s13 += x1 * w3;
                    s20 += x2 * w0; s21 += x2 * w1; s22 += x2 * w2; s23 += x2 * w3;
                    s30 += x3 * w0; s31 += x3 * w1; s32 += x3 * w2; s33 += x3 * w3;
                }
                EL_OUT4(b, s00, s01, s02, s03);
                EL_OUT4(b + 1, s10, s11, s12, s13);
                EL_OUT4(b + 2, s20, s21, s22, s23);
                EL_OUT4(b + 3, s30, s31, s32, s33);
            }
            for (; o < outW; o++)
            {
                for (int bb = b; bb < b + 4; bb++) EL_OUT1(bb, o);
            }
        }
        for (; b < batch; b++)
        {
            for (int o = 0; o < outW; o++) EL_OUT1(b, o);
        }
        if (l != last)
        {
            x = a + (long)aoff * S;
            aoff += batch * outW;
        }
        woff += inW * outW + outW;
    }
}

// MSE over the entity's count = B * out outputs; writes dL/do, the loss and (reduction none) element losses.
inline void el_mse_loss(long S, int count, __global const float* out, __global const float* target,
    __global float* outGrad, __global float* elements, __global float* loss, __global const int* si, vi on)
{
    if (!ANY(on)) return;
    vi reduction = LD(si, SI_REDUCTION);
    vf sum = 0.0f;
    vf scale = reduction == 0 ? (vf)(2.0f / count) : (vf)2.0f;
    vi none = reduction == 2;
    for (int i = 0; i < count; i++)
    {
        vf d = LD(out, i) - LD(target, i);
        sum += d * d;
        if (ANY(none)) ST(elements, i, (none & on) ? d * d : LD(elements, i));
        STM(outGrad, i, d * scale);
    }
    STM(loss, 0, reduction == 0 ? sum / count : sum);
}

// Back-propagates dL/do and adds this pass's batch sums into the gradients; counts the pass.
inline void el_backward(long S, int layers, __global const int* widths, int batch, int act, int maxW,
    __global const float* p, __global const float* xIn, __global const float* a, __global const float* dz,
    __global float* g, __global float* bufA, __global const int* si, __global long* st, vi on)
{
    if (!ANY(on)) return;
    __global float* bufB = bufA + (long)(batch * maxW) * S;
    for (int l = layers - 1; l >= 0; l--)
    {
        int inW = widths[l];
        int outW = widths[l + 1];
        __global const float* x = l == 0 ? xIn : a + (long)el_hidden_offset(widths, batch, l - 1) * S;
        int woff = el_weight_offset(widths, l);
        __global float* gW = g + (long)woff * S;
        __global float* gB = gW + (long)(inW * outW) * S;
        for (int o = 0; o < outW; o++)
        {
            vf s = LD(dz, o);
            for (int b = 1; b < batch; b++) s += LD(dz, b * outW + o);
            STM(gB, o, LD(gB, o) + s);
        }
        for (int i = 0; i < inW; i++)
        {
            // Four outputs at a time share each x load; every sum still runs over b in order.
            int o = 0;
            for (; o + 4 <= outW; o += 4)
            {
                vf xv = LD(x, i);
                vf s0 = xv * LD(dz, o), s1 = xv * LD(dz, o + 1), s2 = xv * LD(dz, o + 2), s3 = xv * LD(dz, o + 3);
                for (int b = 1; b < batch; b++)
                {
                    xv = LD(x, b * inW + i);
                    int d = b * outW + o;
                    s0 += xv * LD(dz, d);
                    s1 += xv * LD(dz, d + 1);
                    s2 += xv * LD(dz, d + 2);
                    s3 += xv * LD(dz, d + 3);
                }
                int gi = i * outW + o;
                STM(gW, gi, LD(gW, gi) + s0);
                STM(gW, gi + 1, LD(gW, gi + 1) + s1);
                STM(gW, gi + 2, LD(gW, gi + 2) + s2);
                STM(gW, gi + 3, LD(gW, gi + 3) + s3);
            }
            for (; o < outW; o++)
            {
                vf s = LD(x, i) * LD(dz, o);
                for (int b = 1; b < batch; b++) s += LD(x, b * inW + i) * LD(dz, b * outW + o);
                STM(gW, i * outW + o, LD(gW, i * outW + o) + s);
            }
        }
        if (l == 0) break;
        __global float* dx = dz == bufA ? bufB : bufA;
        __global const float* w = p + (long)woff * S;
        for (int b = 0; b < batch; b++)
        {
            int i = 0;
            for (; i + 4 <= inW; i += 4) // four independent sums, as in forward
            {
                vf s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
                for (int o = 0; o < outW; o++)
                {
                    vf d = LD(dz, b * outW + o);
                    s0 += LD(w, i * outW + o) * d;
                    s1 += LD(w, (i + 1) * outW + o) * d;
                    s2 += LD(w, (i + 2) * outW + o) * d;
                    s3 += LD(w, (i + 3) * outW + o) * d;
                }
                ST(dx, b * inW + i, el_derivative(act, LD(x, b * inW + i), s0));
                ST(dx, b * inW + i + 1, el_derivative(act, LD(x, b * inW + i + 1), s1));
                ST(dx, b * inW + i + 2, el_derivative(act, LD(x, b * inW + i + 2), s2));
                ST(dx, b * inW + i + 3, el_derivative(act, LD(x, b * inW + i + 3), s3));
            }
            for (; i < inW; i++)
            {
                vf s = 0.0f;
                for (int o = 0; o < outW; o++) s += LD(w, i * outW + o) * LD(dz, b * outW + o);
                ST(dx, b * inW + i, el_derivative(act, LD(x, b * inW + i), s));
            }
        }
        dz = dx;
    }
    vl counted = TO_L(on);
    vl passes = LD(st, ST_BACKWARD_PASSES) + 1;
    ST(st, ST_BACKWARD_PASSES, counted ? passes : LD(st, ST_BACKWARD_PASSES));
    vl k = max(TO_L(LD(si, SI_ACCUMULATION_STEPS)), (vl)1);
    ST(st, ST_STEP_DUE, (counted & TO_L(passes % k == 0)) ? (vl)1 : LD(st, ST_STEP_DUE));
}

// The guard's decision for the lanes of `due` from their gradient norm: a non-finite norm skips the step and counts a
// failure (quarantine at `limit` in a row, when limit > 0); a finite one resets the failures and, with maxNorm > 0,
// clips as clip_grad_norm_ (coef = maxNorm / (norm + 1e-6), applied below 1). Returns the outcome bits; *failures is
// updated, *coef set. Both kernel families decide through this function.
inline vi el_guard_decide(vf norm, vi due, vf maxNorm, vl limit, vl* failures, vf* coef)
{
    vi finite = isfinite(norm);
    vi skip = due & (finite == 0); // masks are 1/0 (scalar) or -1/0 (vector): compare, never complement
    vi ok = due & finite;
    vl lskip = TO_L(skip), lok = TO_L(ok);
    *failures = lskip ? *failures + 1 : (lok ? (vl)0 : *failures);
    vi quarantine = skip & TO_I(limit > 0 && *failures >= limit);
    *coef = maxNorm / (norm + 1e-6f);
    vi clip = ok & (maxNorm > 0.0f) & (*coef < 1.0f);
    vi f = skip ? (vi)OUTCOME_STEPSKIPPED : (vi)0;
    f |= quarantine ? (vi)OUTCOME_QUARANTINED : (vi)0;
    f |= clip ? (vi)OUTCOME_CLIPPED : (vi)0;
    return f;
}

// The game-safe guard for the entities due to step: the total gradient 2-norm (summed in double where the device has
// it) goes into the state; a non-finite norm skips the step (step due cleared), counts a failure and marks the entity
// for quarantine at FailuresBeforeQuarantine in a row; otherwise the failures reset and, with MaxGradNorm set, the
// gradients are clipped as clip_grad_norm_: coef = max_norm / (norm + 1e-6), applied below 1. The outcome bits
// go into flags for the host.
inline void el_guard(long S, int P, __global float* g, __global const float* sf, __global const int* si, __global long* st,
    __global int* flags, vi on)
{
    vi due = TO_I(LD(st, ST_STEP_DUE) != 0) & on;
    if (!ANY(due)) return;
#ifdef EL_HAS_FP64
    EL_VD sum = 0.0;
    for (int i = 0; i < P; i++) { EL_VD v = TO_D(LD(g, i)); sum += v * v; }
    vf norm = TO_F(sqrt(sum));
#else
    vf sum = 0.0f;
    for (int i = 0; i < P; i++) { vf v = LD(g, i); sum += v * v; }
    vf norm = sqrt(sum);
#endif
    vl failures = LD(st, ST_CONSECUTIVE_FAILURES);
    vf coef;
    vi outcome = el_guard_decide(norm, due, LD(sf, SF_MAX_GRAD_NORM), TO_L(LD(si, SI_FAILURES_BEFORE_QUARANTINE)), &failures, &coef);
    vi skip = (outcome & OUTCOME_STEPSKIPPED) != 0;
    vi clip = (outcome & OUTCOME_CLIPPED) != 0;
    ST(st, ST_GRADIENT_NORM, TO_L(due) ? TO_L(EL_AS_INT(norm)) : LD(st, ST_GRADIENT_NORM));
    ST(st, ST_STEP_DUE, TO_L(skip) ? (vl)0 : LD(st, ST_STEP_DUE));
    ST(st, ST_CONSECUTIVE_FAILURES, failures);
    if (ANY(clip))
    {
        for (int i = 0; i < P; i++) ST(g, i, clip ? LD(g, i) * coef : LD(g, i));
    }
    ST(flags, 0, LD(flags, 0) | outcome);
}
