// Device code of the SharedMseLoss stage (SharedMseLossStage.cs): MseLoss.cl's loss over the rows in use, R =
// SharedModelState.RowsInBatch per brain (the members' rows at the front): N = R * out elements, mean L = sum((o - t)^2) / N,
// dL/do = 2 (o - t) / N; sum without the division; none: element losses, L their sum. The output gradient and element
// losses of the unused rows are zero. On archetypes that are no shared brains (members 0), the loss over the whole batch.
inline void el_shared_mse_loss(long S, int batch, int count, int members, __global const float* out, __global const float* target,
    __global float* outGrad, __global float* elements, __global float* loss, __global const int* si, __global const int* sms, vi on)
{
    if (!ANY(on)) return;
    vi used = (vi)count;
    if (members > 0) used = LD(sms, SHAREDMODELSTATE_ROWSINBATCH / 4) * (count / batch);
    vi reduction = LD(si, SI_REDUCTION);
    vf n = TO_F(used);
    vf sum = 0.0f;
    vf scale = reduction == REDUCTION_MEAN ? (vf)2.0f / n : (vf)2.0f;
    vi none = reduction == REDUCTION_NONE;
    for (int i = 0; i < count; i++)
    {
        vf d = (vi)i < used ? LD(out, i) - LD(target, i) : (vf)0.0f;
        sum += d * d;
        if (ANY(none)) ST(elements, i, (none & on) ? d * d : LD(elements, i));
        STM(outGrad, i, d * scale);
    }
    STM(loss, 0, reduction == REDUCTION_MEAN ? sum / n : sum);
}
