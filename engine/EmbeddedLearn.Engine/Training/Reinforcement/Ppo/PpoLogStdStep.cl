// Device code of the PpoLogStdStep stage (PpoLogStdStepStage.cs), after Sgd.cl, Adam.cl and AdamW.cl: optimizer.step() for
// a continuous policy's log standard deviation pls [A] with its gradient plsg [A] (already clipped by the guard with the
// network's) and its optimizer state plss [2A], for every brain due to step, with the brain's own optimizer unit
// (OptimizerUnit.ApplyIfFinite): SGD (momentum buffer: the first A of plss, when Momentum != 0; step 1 starts it from
// the gradient), Adam or AdamW (m then v), the brain's settings, t = OptimizerSteps + 1. Each optimizer works element by
// element, so this is one PyTorch optimizer over the network's parameters and the log-std. A step that would make a
// value non-finite is rejected: the log-std and its state keep their values, step due is cleared (the network's step
// does not happen either) and a failure is counted as GuardStage.CountFailure does. The optimizer step count is not
// changed here: the network's step does it. Whole lanes (LD/ST), as the optimizer bodies whose helpers it uses: each lane
// selects its own unit's result. Pointers arrive offset by the work-item's first entity (see OpenCl/Kernels/common.cl);
// S is the element stride; `on` holds the lanes it may change.

// A rejected log-std step on the lanes of `fail`: step due cleared, one more failure in a row (quarantine at
// FailuresBeforeQuarantine in a row, when above 0), the outcome bits into flags.
inline void el_ppo_logstd_fail(long S, __global const int* si, __global long* st, __global int* flags, vi fail)
{
    vl failures = LD(st, ST_CONSECUTIVE_FAILURES);
    vi outcome = el_fail(fail, TO_L(LD(si, SI_FAILURES_BEFORE_QUARANTINE)), &failures);
    ST(st, ST_CONSECUTIVE_FAILURES, failures);
    ST(st, ST_STEP_DUE, TO_L(fail) ? (vl)0 : LD(st, ST_STEP_DUE));
    ST(flags, 0, LD(flags, 0) | outcome);
}

// PpoLogStdStepStage.Execute for the lanes of `on` (continuous policies only: ppoCont 0 leaves everything alone). The
// lanes due to step with SGD take SgdStep's update (el_sgd_direction), those with Adam or AdamW AdamStep's
// (el_adam_element; AdamW first multiplies by 1 - lr wd when wd != 0, as AdamStep does). A first pass checks that every
// new value of a lane (log-std, and its momentum or moments) is finite, a second stores them on the lanes where all are.
inline void el_ppo_logstd_step(long S, int layers, __global const int* widths, int ppoCont, __global float* pls,
    __global const float* plsg, __global float* plss, __global const float* sf, __global const int* si, __global long* st,
    __global int* flags, vi on)
{
    if (ppoCont == 0) return;
    int a = widths[layers] - 1;
    vi kind = LD(si, SI_OPTIMIZER);
    vi due = TO_I(LD(st, ST_STEP_DUE) != 0) & on;
    vi sgd = due & (kind == OPTIMIZER_SGD);
    vi adamW = due & (kind == OPTIMIZER_ADAMW);
    vi adam = (due & (kind == OPTIMIZER_ADAM)) | adamW;
    vi steps = sgd | adam;
    if (!ANY(steps)) return;
    vl t = LD(st, ST_OPTIMIZER_STEPS) + 1;
    vf lr = LD(sf, SF_LEARNING_RATE), wd = LD(sf, SF_WEIGHT_DECAY);
    vi maximize = LD(si, SI_MAXIMIZE) != 0;

    // SGD: the momentum buffer only where Momentum != 0 (its state is empty otherwise); step 1 when t = 1.
    vf mu = LD(sf, SF_MOMENTUM), damp = 1.0f - LD(sf, SF_DAMPENING);
    vi nesterov = LD(si, SI_NESTEROV) != 0;
    vi useMomentum = sgd & (mu != 0.0f);
    vi first = TO_I(t == 1);

    // Adam and AdamW: the step's factors; wd as L2 for Adam, 0 for AdamW, whose decay factor is 1 - lr wd.
    vf beta1 = LD(sf, SF_BETA1), beta2 = LD(sf, SF_BETA2), eps = LD(sf, SF_EPSILON);
    vf sqrtBc2, negStepSize, oneMinusB1, oneMinusB2;
    el_adam_factors(lr, beta1, beta2, t, &sqrtBc2, &negStepSize, &oneMinusB1, &oneMinusB2);
    vf adamWd = adamW ? (vf)0.0f : wd;
    vf decay = (adamW & (wd != 0.0f)) ? el_adamw_decay(lr, wd) : (vf)1.0f;

    __global float* v = plss + (long)a * S; // Adam's second moments; SGD's momentum and Adam's m are plss[0, A)
    vi ok = steps;
    for (int pass = 0; pass < 2 && ANY(ok); pass++)
    {
        for (int i = 0; i < a; i++)
        {
            vf pv = LD(pls, i), g = LD(plsg, i);
            vf mo = LD(plss, i), vo = LD(v, i);
            vf b = mo;
            vf sgdNew = pv - (lr * el_sgd_direction(pv, g, &b, mu, damp, wd, nesterov, maximize, useMomentum, first));
            vf mv = mo, vv = vo;
            vf adamNew = el_adam_element(pv * decay, g, &mv, &vv, beta1, beta2, oneMinusB1, oneMinusB2, sqrtBc2,
                negStepSize, eps, adamWd, maximize);
            vf np = sgd ? sgdNew : adamNew;
            if (pass == 0)
            {
                vi stateFinite = sgd ? (isfinite(b) | (useMomentum == 0)) : (isfinite(mv) & isfinite(vv));
                ok &= isfinite(np) & stateFinite;
                continue;
            }
            ST(pls, i, ok ? np : pv);
            ST(plss, i, (ok & useMomentum) ? b : ((ok & adam) ? mv : mo));
            ST(v, i, (ok & adam) ? vv : vo);
        }
    }
    vi fail = steps & (ok == 0);
    if (ANY(fail)) el_ppo_logstd_fail(S, si, st, flags, fail);
}
