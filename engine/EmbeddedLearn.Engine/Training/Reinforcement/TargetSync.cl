// Device code of the TargetSync stage (TargetSyncStage.cs), after QAgent.cl: per agent, a hard copy every
// TargetSyncPeriod optimizer steps, or (period 0) Polyak averaging after every step.
inline void el_q_target_sync(long S, int P, __global const float* p, __global float* tp, __global const int* qls,
    __global int* qas, __global const long* st, vi on)
{
    int lanes[VW];
    EL_LANES(on, lanes);
    for (int l = 0; l < VW; l++)
    {
        if (!lanes[l]) continue;
        long steps = EL_AT(st, ST_OPTIMIZER_STEPS, l);
        long last = (long)EL_GET_L(qas, l, QAGENTSTATE_LASTSYNCSTEP);
        if (steps < last) last = 0; // the optimizer started afresh (a release, a new optimizer): count from 0 again
        int period = EL_GET_I(qls, l, QLEARNINGSETTINGS_TARGETSYNCPERIOD);
        if (steps == last || (period > 0 && steps - last < period))
        {
            EL_SET_L(qas, l, QAGENTSTATE_LASTSYNCSTEP, last);
            continue;
        }
        if (period > 0)
        {
            for (int i = 0; i < P; i++) EL_AT(tp, i, l) = EL_AT(p, i, l);
        }
        else
        {
            float tau = EL_GET_F(qls, l, QLEARNINGSETTINGS_TAU);
            for (int i = 0; i < P; i++) EL_AT(tp, i, l) = (EL_AT(tp, i, l) * (1.0f - tau)) + (EL_AT(p, i, l) * tau);
        }
        EL_SET_L(qas, l, QAGENTSTATE_LASTSYNCSTEP, steps);
        EL_SET_L(qas, l, QAGENTSTATE_TARGETSYNCS, (long)EL_GET_L(qas, l, QAGENTSTATE_TARGETSYNCS) + 1);
    }
}
