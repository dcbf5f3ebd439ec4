// Device code of the SharedOutputs stage (SharedOutputsStage.cs), after Forward, brain by brain (lane by lane): the b
// output rows of every member in this tick's batch (its slot's first batch row, as SharedBatch wrote it) go to its block
// of the members' outputs. A member left out keeps its last outputs, and so do all members of a brain whose forward
// pass held its outputs (OUTCOME_OUTPUTSHELD). On archetypes that are no shared brains (members 0) it does nothing.
inline void el_shared_outputs(long S, int layers, __global const int* widths, int batch, int members, __global const float* y,
    __global float* mo, __global const int* slots, __global int* flags, vi on)
{
    if (members == 0 || !ANY(on)) return;
    int nOut = widths[layers];
    int width = (batch / members) * nOut;
    int lanes[VW];
    EL_LANES(on, lanes);
    for (int l = 0; l < VW; l++)
    {
        if (!lanes[l] || (EL_AT(flags, 0, l) & OUTCOME_OUTPUTSHELD) != 0) continue;
        for (int slot = 0; slot < members; slot++)
        {
            int row = EL_AT(slots, (slot * 3) + 2, l);
            if (row < 0) continue;
            for (int k = 0; k < width; k++) EL_AT(mo, (slot * width) + k, l) = EL_AT(y, (row * nOut) + k, l);
        }
    }
}
