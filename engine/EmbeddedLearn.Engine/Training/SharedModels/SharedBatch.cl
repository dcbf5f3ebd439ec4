// Device code of the SharedBatch stage (SharedBatchStage.cs), brain by brain (lane by lane: each brain's members differ).
// In slot order, the b input and target rows of every member whose samples are all finite are packed at the front of the
// brain's inputs [B, in] and targets [B, out]; the rest is zero; each slot's first batch row (or -1) and the
// SharedModelState are written. A brain with no member in its batch gets OUTCOME_WAITING (unless it sits out already),
// which keeps it out of the later training stages. On archetypes that are no shared brains (members 0) it does nothing.
inline void el_shared_batch(long S, int layers, __global const int* widths, int batch, int members, __global const float* ms,
    __global float* x, __global float* t, __global int* slots, __global int* sms, __global int* flags, vi on)
{
    if (members == 0 || !ANY(on)) return;
    int nIn = widths[0];
    int nOut = widths[layers];
    int b = batch / members;
    int slotWidth = b * (nIn + nOut);
    int lanes[VW];
    EL_LANES(on, lanes);
    for (int l = 0; l < VW; l++)
    {
        if (!lanes[l]) continue;
        int rows = 0;
        int inBatch = 0;
        int leftOut = 0;
        int joined = 0;
        for (int slot = 0; slot < members; slot++)
        {
            int field = slot * 3;
            EL_AT(slots, field + 2, l) = -1;
            if (EL_AT(slots, field, l) == 0) continue;
            joined++;
            int from = slot * slotWidth;
            int finite = 1;
            for (int k = 0; k < slotWidth; k++) finite &= isfinite(EL_AT(ms, from + k, l)) != 0;
            if (!finite)
            {
                leftOut++;
                continue;
            }
            for (int k = 0; k < b * nIn; k++) EL_AT(x, (rows * nIn) + k, l) = EL_AT(ms, from + k, l);
            for (int k = 0; k < b * nOut; k++) EL_AT(t, (rows * nOut) + k, l) = EL_AT(ms, from + (b * nIn) + k, l);
            EL_AT(slots, field + 2, l) = rows;
            rows += b;
            inBatch++;
        }
        for (int k = rows * nIn; k < batch * nIn; k++) EL_AT(x, k, l) = 0.0f;
        for (int k = rows * nOut; k < batch * nOut; k++) EL_AT(t, k, l) = 0.0f;
        EL_SET_I(sms, l, SHAREDMODELSTATE_MEMBERS, joined);
        EL_SET_I(sms, l, SHAREDMODELSTATE_MEMBERSINBATCH, inBatch);
        EL_SET_I(sms, l, SHAREDMODELSTATE_MEMBERSLEFTOUT, leftOut);
        EL_SET_I(sms, l, SHAREDMODELSTATE_ROWSINBATCH, rows);
        if (inBatch == 0 && (EL_AT(flags, 0, l) & OUTCOME_SITSOUT) == 0) EL_AT(flags, 0, l) |= OUTCOME_WAITING;
    }
}
