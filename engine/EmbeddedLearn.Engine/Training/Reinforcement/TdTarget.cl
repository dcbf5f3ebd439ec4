// Device code of the TdTarget stage (TdTargetStage.cs), after QAgent.cl: the target network on the sampled next
// observations (and, for the agents with Double DQN, the online one), all lanes at once; then per agent the targets:
// the outputs, with t[j, a_j] = r_j + gamma (1 - done_j) max (or the online argmax) of the target Q values.
inline void el_q_td_target(long S, int layers, __global const int* widths, int batch, int act, __global const float* p,
    __global const float* tp, __global const float* sample, __global const float* y, __global float* t,
    __global const int* qls, __global float* ascr, vi on)
{
    if (!ANY(on)) return;
    int n = widths[0];
    int actions = widths[layers];
    int sampleWidth = n + 3;
    int rows = batch * actions;
    int hidden = max(1, batch * el_hidden_units(widths, layers)); // as TdTargetStage.ScratchLength
    __global float* next = ascr;
    __global float* acts = next + (long)(batch * n) * S;
    __global float* targetQ = acts + (long)hidden * S;
    __global float* onlineQ = targetQ + (long)rows * S;
    for (int j = 0; j < batch; j++)
    {
        for (int k = 0; k < n; k++) STM(next, (j * n) + k, LD(sample, (j * sampleWidth) + 3 + k));
    }
    el_dense_forward(S, layers, widths, batch, act, tp, next, acts, targetQ, on);
    int lanes[VW];
    int doubles[VW];
    EL_LANES(on, lanes);
    for (int l = 0; l < VW; l++) doubles[l] = lanes[l] && EL_GET_B(qls, l, QLEARNINGSETTINGS_DOUBLEDQN) ? -1 : 0;
    vi online = EL_MASK(doubles);
    el_dense_forward(S, layers, widths, batch, act, p, next, acts, onlineQ, online); // returns at once when no lane has it
    for (int i = 0; i < rows; i++) STM(t, i, LD(y, i));
    for (int l = 0; l < VW; l++)
    {
        if (!lanes[l]) continue;
        float gamma = EL_GET_F(qls, l, QLEARNINGSETTINGS_GAMMA);
        for (int j = 0; j < batch; j++)
        {
            int row = j * sampleWidth;
            float a = EL_AT(sample, row, l);
            if (!(a >= 0.0f && a < (float)actions && a == floor(a)))
            {
                // A ring written past Record holds no valid action here: NaN targets make the guard skip the step.
                for (int o = 0; o < actions; o++) EL_AT(t, (j * actions) + o, l) = NAN;
                continue;
            }
            int first = j * actions;
            float value;
            if (doubles[l])
            {
                value = EL_AT(targetQ, first + el_argmax(S, onlineQ, first, actions, l), l);
            }
            else
            {
                value = EL_AT(targetQ, first + el_argmax(S, targetQ, first, actions, l), l);
            }
            EL_AT(t, first + (int)a, l) = EL_AT(sample, row + 1, l) + ((gamma * (1.0f - EL_AT(sample, row + 2, l))) * value);
        }
    }
}
