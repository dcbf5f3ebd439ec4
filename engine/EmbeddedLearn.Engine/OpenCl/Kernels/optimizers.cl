// EmbeddedLearn optimizer units (Training/Optimizers): the step body of each unit for the VW entities of one
// work-item, and its kernel. Every step kernel takes (n, S, P, params, grads, state, hasState, sf, si, st, flags,
// window); the state is the momentum buffer (SGD) or the Adam moments [m | v] (Adam, AdamW). Settings offsets SF_* /
// SI_*, state offsets ST_* and OPTIMIZER_* come from the generated header (DeviceSettingsLayout).
//
// One counter convention for every unit, as the CPU's OptimizerStepStage: an entity steps when its window ended
// (step due) and its settings select the unit; the step count is incremented first and the update uses t = the
// new count (1 on the first step); then the step-due flag is cleared.

// The lanes that step with optimizer `kind`, and their step number t (the incremented count, stored).
inline vi el_begin_step(long S, __global const int* si, __global long* st, int kind, vi on, vl* t)
{
    vi steps = TO_I(LD(st, ST_STEP_DUE) != 0) & (LD(si, SI_OPTIMIZER) == kind) & on;
    *t = LD(st, ST_OPTIMIZER_STEPS) + 1;
    if (ANY(steps)) ST(st, ST_OPTIMIZER_STEPS, TO_L(steps) ? *t : LD(st, ST_OPTIMIZER_STEPS));
    return steps;
}

inline void el_end_step(long S, __global long* st, vi steps)
{
    ST(st, ST_STEP_DUE, TO_L(steps) ? (vl)0 : LD(st, ST_STEP_DUE));
}

// optim.SGD: g = maximize ? -grad : grad; g += wd p; with momentum m: buf = g on step 1, else
// buf = m buf + (1 - dampening) g; g = nesterov ? g + m buf : buf; p -= lr g.
inline void el_sgd_step(long S, int P, __global float* p, __global const float* gr, __global float* buf,
    int hasMomentum, __global const float* sf, __global const int* si, __global long* st, vi on)
{
    vl t;
    on = el_begin_step(S, si, st, OPTIMIZER_SGD, on, &t);
    if (!ANY(on)) return;
    vf lr = LD(sf, SF_LEARNING_RATE), mu = LD(sf, SF_MOMENTUM), damp = 1.0f - LD(sf, SF_DAMPENING);
    vf wd = LD(sf, SF_WEIGHT_DECAY);
    vi nesterov = LD(si, SI_NESTEROV) != 0, maximize = LD(si, SI_MAXIMIZE) != 0;
    vi useMomentum = mu != 0.0f;
    if (hasMomentum == 0) useMomentum = (vi)0;
    vi first = TO_I(t == 1);
    int anyMomentum = ANY(useMomentum & on);
    for (int i = 0; i < P; i++)
    {
        vf pv = LD(p, i);
        vf g = LD(gr, i);
        g = maximize ? -g : g;
        g = wd != 0.0f ? g + (wd * pv) : g;
        if (anyMomentum)
        {
            vf old = LD(buf, i);
            vf b = first ? g : (mu * old) + (damp * g);
            ST(buf, i, (useMomentum & on) ? b : old);
            g = useMomentum ? (nesterov ? g + (mu * b) : b) : g;
        }
        ST(p, i, on ? pv - (lr * g) : pv);
    }
    el_end_step(S, st, on);
}

// The Adam update for the lanes of `on` at step t (moments m, then v at P floats on); wd as L2 (Adam) or 0 (AdamW).
inline void el_adam_update(long S, int P, __global float* p, __global const float* gr, __global float* m,
    __global const float* sf, __global const int* si, vf wd, vl t, vi on)
{
    vf lr = LD(sf, SF_LEARNING_RATE), beta1 = LD(sf, SF_BETA1), beta2 = LD(sf, SF_BETA2), eps = LD(sf, SF_EPSILON);
    vi maximize = LD(si, SI_MAXIMIZE) != 0;
#ifdef EL_HAS_FP64
    EL_VD b1 = TO_D(beta1), b2 = TO_D(beta2), td = TO_D(t);
    vf sqrtBc2 = TO_F(sqrt(1.0 - pow(b2, td)));
    vf negStepSize = TO_F(-(TO_D(lr) / (1.0 - pow(b1, td))));
    vf oneMinusB1 = TO_F(1.0 - b1), oneMinusB2 = TO_F(1.0 - b2);
#else
    vf sqrtBc2 = sqrt(-expm1(TO_F(t) * log(beta2)));
    vf negStepSize = -(lr / -expm1(TO_F(t) * log(beta1)));
    vf oneMinusB1 = 1.0f - beta1, oneMinusB2 = 1.0f - beta2;
#endif
    __global float* v = m + (long)P * S;
    for (int i = 0; i < P; i++)
    {
        vf pv = LD(p, i);
        vf g = LD(gr, i);
        g = maximize ? -g : g;
        g = wd != 0.0f ? g + (wd * pv) : g;
        vf mo = LD(m, i), vo = LD(v, i);
        vf mv = (mo * beta1) + (oneMinusB1 * g);
        vf vv = (vo * beta2) + (oneMinusB2 * g * g);
        ST(m, i, on ? mv : mo);
        ST(v, i, on ? vv : vo);
        vf denom = (sqrt(vv) / sqrtBc2) + eps;
        ST(p, i, on ? pv + (negStepSize * mv / denom) : pv);
    }
}

// optim.Adam (amsgrad off), weight decay as L2 added to the gradient.
inline void el_adam_step(long S, int P, __global float* p, __global const float* gr, __global float* m,
    __global const float* sf, __global const int* si, __global long* st, vi on)
{
    vl t;
    on = el_begin_step(S, si, st, OPTIMIZER_ADAM, on, &t);
    if (!ANY(on)) return;
    el_adam_update(S, P, p, gr, m, sf, si, LD(sf, SF_WEIGHT_DECAY), t, on);
    el_end_step(S, st, on);
}

// optim.AdamW (amsgrad off): p *= 1 - lr wd (the factor in double where available, as torch computes it from its
// Python floats), then the Adam update without the L2 term.
inline void el_adamw_step(long S, int P, __global float* p, __global const float* gr, __global float* m,
    __global const float* sf, __global const int* si, __global long* st, vi on)
{
    vl t;
    on = el_begin_step(S, si, st, OPTIMIZER_ADAMW, on, &t);
    if (!ANY(on)) return;
    vf lr = LD(sf, SF_LEARNING_RATE), wd = LD(sf, SF_WEIGHT_DECAY);
#ifdef EL_HAS_FP64
    vf decay = TO_F(1.0 - (TO_D(lr) * TO_D(wd)));
#else
    vf decay = 1.0f - (lr * wd);
#endif
    vi decays = on & (wd != 0.0f);
    if (ANY(decays))
    {
        for (int i = 0; i < P; i++) ST(p, i, decays ? LD(p, i) * decay : LD(p, i));
    }
    el_adam_update(S, P, p, gr, m, sf, si, (vf)0.0f, t, on);
    el_end_step(S, st, on);
}
