// Device code of the PpoMinibatch stage (PpoMinibatchStage.cs), after QAgent.cl (SplitMix64) and PpoMath.cl (the
// shuffle): per brain (one lane at a time, as each brain's update is at its own point), the next minibatch of its
// update: rows k M .. k M + m of the shuffled trainable rows (porder), their observations into the model's inputs
// x [M, n], their [action, old log-prob, old value, advantage, return] into pbatch [M, aw + 4]; rows past m repeat the
// first row. Then the update advances: after an epoch's last minibatch the next epoch reshuffles the order from the
// brain's ShuffleRandom stream; after the last epoch the update is finished. A brain with no update in progress gets
// MinibatchRows = 0 and OUTCOME_WAITING, which keeps it out of the later training stages. Pointers arrive offset by the
// work-item's first entity (see OpenCl/Kernels/common.cl); S is the element stride; `on` holds the lanes it may change.

// Copies minibatch row j of lane l from rollout row r of the training buffer (its rows from element `rows`, RW = n + aw + 5
// floats each): the observation into x, [action, old log-prob, old value] and the row's targets [advantage, return] into
// pbatch.
inline void el_ppo_minibatch_row(long S, int n, int aw, int j, int r, long rows, __global float* x, __global float* pbatch,
    __global const float* prollouts, __global const float* ptargets, int l)
{
    int rw = n + aw + 5;
    int bw = aw + 4;
    long row = rows + (long)r * rw;
    for (int k = 0; k < n; k++) EL_AT(x, (j * n) + k, l) = EL_AT(prollouts, row + k, l);
    for (int k = 0; k < aw + 2; k++) EL_AT(pbatch, (j * bw) + k, l) = EL_AT(prollouts, row + n + k, l);
    EL_AT(pbatch, (j * bw) + aw + 2, l) = EL_AT(ptargets, 2 * r, l);
    EL_AT(pbatch, (j * bw) + aw + 3, l) = EL_AT(ptargets, (2 * r) + 1, l);
}

// After minibatch `minibatch` (already counted) of lane l: at the end of an epoch the next epoch starts (reshuffled), or,
// after the last epoch, the update ends (Updating off, Updates + 1).
inline void el_ppo_minibatch_advance(long S, int batch, __global int* porder, __global const int* pps, __global int* pst,
    int l)
{
    int rows = EL_GET_I(pst, l, PPOSTATE_ROWS);
    int minibatch = EL_GET_I(pst, l, PPOSTATE_MINIBATCH);
    if ((long)minibatch * batch < rows) return;
    EL_SET_I(pst, l, PPOSTATE_MINIBATCH, 0);
    int epoch = EL_GET_I(pst, l, PPOSTATE_EPOCH) + 1;
    if (epoch >= EL_GET_I(pps, l, PPOSETTINGS_EPOCHS))
    {
        EL_SET_I(pst, l, PPOSTATE_EPOCH, 0);
        EL_SET_B(pst, l, PPOSTATE_UPDATING, 0);
        EL_SET_L(pst, l, PPOSTATE_UPDATES, EL_GET_L(pst, l, PPOSTATE_UPDATES) + 1);
        return;
    }
    EL_SET_I(pst, l, PPOSTATE_EPOCH, epoch);
    ulong random = EL_GET_L(pst, l, PPOSTATE_SHUFFLERANDOM);
    el_ppo_shuffle(S, porder, rows, &random, l);
    EL_SET_L(pst, l, PPOSTATE_SHUFFLERANDOM, random);
}

// PpoMinibatchStage.Execute for the lanes of `on`.
inline void el_ppo_minibatch(long S, __global const int* widths, int batch, int ppoC, int ppoT, int ppoAw,
    __global float* x, __global float* pbatch, __global const float* prollouts, __global const float* ptargets,
    __global int* porder, __global const int* pps, __global int* pst, __global int* flags, vi on)
{
    int n = widths[0];
    long bufferFloats = (long)ppoC * ppoT * (n + ppoAw + 5); // one rollout buffer: C T rows
    int lanes[VW];
    EL_LANES(on, lanes);
    for (int l = 0; l < VW; l++)
    {
        if (!lanes[l]) continue;
        if (!EL_GET_B(pst, l, PPOSTATE_UPDATING))
        {
            EL_SET_I(pst, l, PPOSTATE_MINIBATCHROWS, 0);
            EL_AT(flags, 0, l) |= OUTCOME_WAITING;
            continue;
        }
        long rows = (long)(EL_GET_I(pst, l, PPOSTATE_COLLECTING) ^ 1) * bufferFloats; // the training buffer
        int minibatch = EL_GET_I(pst, l, PPOSTATE_MINIBATCH);
        int start = minibatch * batch;
        int count = min(batch, EL_GET_I(pst, l, PPOSTATE_ROWS) - start);
        for (int j = 0; j < batch; j++)
        {
            int r = EL_AT(porder, start + (j < count ? j : 0), l);
            el_ppo_minibatch_row(S, n, ppoAw, j, r, rows, x, pbatch, prollouts, ptargets, l);
        }
        EL_SET_I(pst, l, PPOSTATE_MINIBATCHROWS, count);
        EL_SET_I(pst, l, PPOSTATE_MINIBATCH, minibatch + 1);
        el_ppo_minibatch_advance(S, batch, porder, pps, pst, l);
    }
}
