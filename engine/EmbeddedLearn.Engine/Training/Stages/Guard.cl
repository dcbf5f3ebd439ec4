// Device code of the Guard stage (GuardStage.cs): the body for the VW entities of one work-item. Pointers arrive offset by
// the work-item's first entity (see OpenCl/Kernels/common.cl); S is the element stride; `on` holds the lanes it may change.
// The maths mirrors the CPU code beside it; results agree within float rounding.

// The guard's decision for the lanes of `due` from their gradient norm: a non-finite norm skips the step and counts a
// failure (el_fail: quarantine at `limit` in a row, when limit > 0); a finite one leaves the failures as they are
// (only an applied step resets them) and, with maxNorm > 0, clips as clip_grad_norm_ (coef = maxNorm / (norm + 1e-6),
// applied below 1). Returns the outcome bits; *failures is updated, *coef set. Both kernel families decide through
// this function.
inline vi el_guard_decide(vf norm, vi due, vf maxNorm, vl limit, vl* failures, vf* coef)
{
    vi finite = isfinite(norm);
    vi skip = due & (finite == 0); // masks are 1/0 (scalar) or -1/0 (vector): compare, never complement
    vi ok = due & finite;
    *coef = maxNorm / (norm + 1e-6f);
    vi clip = ok & (maxNorm > 0.0f) & (*coef < 1.0f);
    return el_fail(skip, limit, failures) | (clip ? (vi)OUTCOME_CLIPPED : (vi)0);
}

// The game-safe guard for the entities due to step: the total gradient 2-norm (summed in double where the device has
// it) goes into the state; a non-finite norm skips the step (step due cleared), counts a failure and marks the entity
// for quarantine at FailuresBeforeQuarantine in a row; otherwise, with MaxGradNorm set, the gradients are
// clipped as clip_grad_norm_: coef = max_norm / (norm + 1e-6), applied below 1. The outcome bits
// go into flags for the host. An entity with extra parameters besides its P network parameters (a PPO brain's
// log-std) passes their E gradients eg: they count in the norm after the network's, each sum of squares on its own and
// then added, norm = sqrt(sum g^2 + sum eg^2) as GuardStage.NormOf, and where the guard clips, eg is clipped with g by
// the same coefficient, as clip_grad_norm_ over all of the optimizer's parameters does.
inline void el_guard_extra(long S, int P, __global float* g, int E, __global float* eg, __global const float* sf,
    __global const int* si, __global long* st, __global int* flags, vi on)
{
    vi due = TO_I(LD(st, ST_STEP_DUE) != 0) & on;
    if (!ANY(due)) return;
#ifdef EL_HAS_FP64
    EL_VD sum = 0.0, extra = 0.0;
    for (int i = 0; i < P; i++) { EL_VD v = TO_D(LD(g, i)); sum += v * v; }
    for (int i = 0; i < E; i++) { EL_VD v = TO_D(LD(eg, i)); extra += v * v; }
    vf norm = TO_F(sqrt(sum + extra));
#else
    vf sum = 0.0f, extra = 0.0f;
    for (int i = 0; i < P; i++) { vf v = LD(g, i); sum += v * v; }
    for (int i = 0; i < E; i++) { vf v = LD(eg, i); extra += v * v; }
    vf norm = sqrt(sum + extra);
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
        for (int i = 0; i < E; i++) ST(eg, i, clip ? LD(eg, i) * coef : LD(eg, i));
    }
    ST(flags, 0, LD(flags, 0) | outcome);
}

// The guard of an entity without extra parameters (E = 0: the sum of squares plus +0 is the sum itself, so the norm's
// bits are those of the network's gradients alone).
inline void el_guard(long S, int P, __global float* g, __global const float* sf, __global const int* si, __global long* st,
    __global int* flags, vi on)
{
    el_guard_extra(S, P, g, 0, g, sf, si, st, flags, on);
}
