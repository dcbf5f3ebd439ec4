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

// optim.SGD's direction for one parameter: g = maximize ? -grad : grad; g += wd p; with momentum m (useMomentum):
// buf = g on step 1 (first), else buf = m buf + (1 - dampening) g, and g = nesterov ? g + m buf : buf. *buf is the
// momentum element, updated on the lanes of useMomentum. Both kernel families step through this function.
inline vf el_sgd_direction(vf pv, vf g, vf* buf, vf mu, vf damp, vf wd, vi nesterov, vi maximize, vi useMomentum, vi first)
{
    g = maximize ? -g : g;
    g = wd != 0.0f ? g + (wd * pv) : g;
    vf b = first ? g : (mu * *buf) + (damp * g);
    *buf = useMomentum ? b : *buf;
    return useMomentum ? (nesterov ? g + (mu * b) : b) : g;
}

// optim.SGD for the lanes of `on`: p -= lr * el_sgd_direction(...).
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
        vf old = anyMomentum ? LD(buf, i) : (vf)0.0f;
        vf b = old;
        vf g = el_sgd_direction(pv, LD(gr, i), &b, mu, damp, wd, nesterov, maximize, useMomentum, first);
        if (anyMomentum) ST(buf, i, on ? b : old);
        ST(p, i, on ? pv - (lr * g) : pv);
    }
    el_end_step(S, st, on);
}

// Adam's per-step factors at step t: sqrt(1 - beta2^t), -lr / (1 - beta1^t), 1 - beta1, 1 - beta2 (in double where
// the device has it, as torch computes them from Python floats).
inline void el_adam_factors(vf lr, vf beta1, vf beta2, vl t, vf* sqrtBc2, vf* negStepSize, vf* oneMinusB1, vf* oneMinusB2)
{
#ifdef EL_HAS_FP64
    EL_VD b1 = TO_D(beta1), b2 = TO_D(beta2), td = TO_D(t);
    *sqrtBc2 = TO_F(sqrt(1.0 - pow(b2, td)));
    *negStepSize = TO_F(-(TO_D(lr) / (1.0 - pow(b1, td))));
    *oneMinusB1 = TO_F(1.0 - b1);
    *oneMinusB2 = TO_F(1.0 - b2);
#else
    *sqrtBc2 = sqrt(-expm1(TO_F(t) * log(beta2)));
    *negStepSize = -(lr / -expm1(TO_F(t) * log(beta1)));
    *oneMinusB1 = 1.0f - beta1;
    *oneMinusB2 = 1.0f - beta2;
#endif
}

// One parameter's Adam update: g = maximize ? -grad : grad; g += wd p (L2; 0 for AdamW); m = b1 m + (1 - b1) g;
// v = b2 v + (1 - b2) g^2; p += negStepSize m / (sqrt(v) / sqrtBc2 + eps). Both kernel families step through it.
inline vf el_adam_element(vf pv, vf g, vf* m, vf* v, vf beta1, vf beta2, vf oneMinusB1, vf oneMinusB2, vf sqrtBc2,
    vf negStepSize, vf eps, vf wd, vi maximize)
{
    g = maximize ? -g : g;
    g = wd != 0.0f ? g + (wd * pv) : g;
    *m = (*m * beta1) + (oneMinusB1 * g);
    *v = (*v * beta2) + (oneMinusB2 * g * g);
    vf denom = (sqrt(*v) / sqrtBc2) + eps;
    return pv + (negStepSize * *m / denom);
}

// AdamW's decoupled decay factor 1 - lr wd (in double where available, as torch computes it from its Python floats).
inline vf el_adamw_decay(vf lr, vf wd)
{
#ifdef EL_HAS_FP64
    return TO_F(1.0 - (TO_D(lr) * TO_D(wd)));
#else
    return 1.0f - (lr * wd);
#endif
}

// The Adam update for the lanes of `on` at step t (moments m, then v at P floats on); wd as L2 (Adam) or 0 (AdamW).
inline void el_adam_update(long S, int P, __global float* p, __global const float* gr, __global float* m,
    __global const float* sf, __global const int* si, vf wd, vl t, vi on)
{
    vf lr = LD(sf, SF_LEARNING_RATE), beta1 = LD(sf, SF_BETA1), beta2 = LD(sf, SF_BETA2), eps = LD(sf, SF_EPSILON);
    vi maximize = LD(si, SI_MAXIMIZE) != 0;
    vf sqrtBc2, negStepSize, oneMinusB1, oneMinusB2;
    el_adam_factors(lr, beta1, beta2, t, &sqrtBc2, &negStepSize, &oneMinusB1, &oneMinusB2);
    __global float* v = m + (long)P * S;
    for (int i = 0; i < P; i++)
    {
        vf pv = LD(p, i);
        vf mo = LD(m, i), vo = LD(v, i);
        vf mv = mo, vv = vo;
        vf np = el_adam_element(pv, LD(gr, i), &mv, &vv, beta1, beta2, oneMinusB1, oneMinusB2, sqrtBc2, negStepSize, eps, wd, maximize);
        ST(m, i, on ? mv : mo);
        ST(v, i, on ? vv : vo);
        ST(p, i, on ? np : pv);
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
    vf decay = el_adamw_decay(lr, wd);
    vi decays = on & (wd != 0.0f);
    if (ANY(decays))
    {
        for (int i = 0; i < P; i++) ST(p, i, decays ? LD(p, i) * decay : LD(p, i));
    }
    el_adam_update(S, P, p, gr, m, sf, si, (vf)0.0f, t, on);
    el_end_step(S, st, on);
}
