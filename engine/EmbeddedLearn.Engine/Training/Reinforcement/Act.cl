// Device code of the Act stage (ActStage.cs), after QAgent.cl: the online network's Q(s, .) on each agent's observation
// (batch of one, all lanes at once), then per agent the epsilon-greedy choice from its own stream.
inline void el_q_act(long S, int layers, __global const int* widths, int act, __global const float* p,
    __global const float* obs, __global const int* qls, __global int* qas, __global float* ascr, vi on)
{
    int n = widths[0];
    int actions = widths[layers];
    int hidden = max(1, el_hidden_units(widths, layers)); // the scratch's layout: as ActStage.cs's
    vi decide = on;
    for (int i = 0; i < n; i++) decide = decide & isfinite(LD(obs, i)); // a NaN observation keeps the last action
    if (!ANY(decide)) return;
    el_dense_forward(S, layers, widths, 1, act, p, obs, ascr, ascr + (long)hidden * S, decide);
    int lanes[VW];
    EL_LANES(decide, lanes);
    for (int l = 0; l < VW; l++)
    {
        if (!lanes[l]) continue;
        long decisions = (long)EL_GET_L(qas, l, QAGENTSTATE_DECISIONS);
        float epsilon = el_epsilon(S, qls, l, decisions);
        ulong random = EL_GET_L(qas, l, QAGENTSTATE_ACTRANDOM);
        bool explore = el_next_single(&random) < epsilon;
        int action = explore ? el_next_int(&random, actions) : el_argmax(S, ascr, hidden, actions, l);
        EL_SET_I(qas, l, QAGENTSTATE_ACTION, action);
        EL_SET_F(qas, l, QAGENTSTATE_ACTIONVALUE, EL_AT(ascr, hidden + action, l));
        EL_SET_B(qas, l, QAGENTSTATE_EXPLORED, explore);
        EL_SET_F(qas, l, QAGENTSTATE_EPSILON, epsilon);
        EL_SET_L(qas, l, QAGENTSTATE_DECISIONS, decisions + 1);
        EL_SET_L(qas, l, QAGENTSTATE_ACTRANDOM, random);
    }
}
