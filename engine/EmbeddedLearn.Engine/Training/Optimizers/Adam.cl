// Device code of the AdamStep stage (AdamOptimizer.cs): the body for the VW entities of one work-item. Pointers arrive offset by
// the work-item's first entity (see OpenCl/Kernels/common.cl); S is the element stride; `on` holds the lanes it may change.
// The maths mirrors the CPU code beside it; results agree within float rounding.

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

// The Adam update for the lanes of `on` at step t (moments m, then v at P floats on); wd as L2 (Adam) or 0 (AdamW);
// each parameter is first multiplied by `decay` (AdamW's 1 - lr wd; 1 for Adam). A first pass checks that every new
// parameter and moment is finite, a second stores them on the lanes where all are; returns those lanes.
inline vi el_adam_update(long S, int P, __global float* p, __global const float* gr, __global float* m,
    __global const float* sf, __global const int* si, vf wd, vf decay, vl t, vi on)
{
    vf lr = LD(sf, SF_LEARNING_RATE), beta1 = LD(sf, SF_BETA1), beta2 = LD(sf, SF_BETA2), eps = LD(sf, SF_EPSILON);
    vi maximize = LD(si, SI_MAXIMIZE) != 0;
    vf sqrtBc2, negStepSize, oneMinusB1, oneMinusB2;
    el_adam_factors(lr, beta1, beta2, t, &sqrtBc2, &negStepSize, &oneMinusB1, &oneMinusB2);
    __global float* v = m + (long)P * S;
    vi ok = on;
    for (int pass = 0; pass < 2 && ANY(ok); pass++)
    {
        for (int i = 0; i < P; i++)
        {
            vf pv = LD(p, i);
            vf mo = LD(m, i), vo = LD(v, i);
            vf mv = mo, vv = vo;
            vf np = el_adam_element(pv * decay, LD(gr, i), &mv, &vv, beta1, beta2, oneMinusB1, oneMinusB2, sqrtBc2,
                negStepSize, eps, wd, maximize);
            if (pass == 0)
            {
                ok &= isfinite(np) & isfinite(mv) & isfinite(vv);
                continue;
            }
            ST(m, i, ok ? mv : mo);
            ST(v, i, ok ? vv : vo);
            ST(p, i, ok ? np : pv);
        }
    }
    return ok;
}

// optim.Adam (amsgrad off), weight decay as L2 added to the gradient.
inline void el_adam_step(long S, int P, __global float* p, __global const float* gr, __global float* m,
    __global const float* sf, __global const int* si, __global long* st, __global int* flags, vi on)
{
    vl t;
    on = el_begin_step(S, si, st, OPTIMIZER_ADAM, on, &t);
    if (!ANY(on)) return;
    vi ok = el_adam_update(S, P, p, gr, m, sf, si, LD(sf, SF_WEIGHT_DECAY), (vf)1.0f, t, on);
    el_end_step(S, si, st, flags, on, ok, t);
}
