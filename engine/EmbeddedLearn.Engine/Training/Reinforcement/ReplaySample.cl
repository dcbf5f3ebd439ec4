// Device code of the ReplaySample stage (ReplaySampleStage.cs), after QAgent.cl: per agent, B transitions drawn from its
// own stream out of the Count its ring holds; s to the model's inputs, [a, r, done, s'] to the sample. An agent with
// fewer than MinReplay transitions gets OUTCOME_WAITING, which keeps it out of the later training stages.
inline void el_q_sample(long S, __global const int* widths, int batch, int cap, __global const float* ring,
    __global float* x, __global float* sample, __global const int* qls, __global const int* rs, __global int* qas,
    __global int* flags, vi on)
{
    int n = widths[0];
    int width = (2 * n) + 3;
    int sampleWidth = n + 3;
    int lanes[VW];
    EL_LANES(on, lanes);
    for (int l = 0; l < VW; l++)
    {
        if (!lanes[l]) continue;
        int count = EL_GET_I(rs, l, REPLAYSTATE_COUNT);
        if (count < EL_GET_I(qls, l, QLEARNINGSETTINGS_MINREPLAY) || count > cap)
        {
            EL_AT(flags, 0, l) |= OUTCOME_WAITING;
            continue;
        }
        ulong random = EL_GET_L(qas, l, QAGENTSTATE_SAMPLERANDOM);
        for (int j = 0; j < batch; j++)
        {
            int from = el_next_int(&random, count) * width;
            for (int k = 0; k < n; k++) EL_AT(x, (j * n) + k, l) = EL_AT(ring, from + k, l);
            for (int k = 0; k < sampleWidth; k++) EL_AT(sample, (j * sampleWidth) + k, l) = EL_AT(ring, from + n + k, l);
        }
        EL_SET_L(qas, l, QAGENTSTATE_SAMPLERANDOM, random);
    }
}
