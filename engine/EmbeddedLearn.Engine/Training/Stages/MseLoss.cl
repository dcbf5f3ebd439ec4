// Device code of the MseLoss stage (MseLossStage.cs): the body for the VW entities of one work-item. Pointers arrive offset by
// the work-item's first entity (see OpenCl/Kernels/common.cl); S is the element stride; `on` holds the lanes it may change.
// The maths mirrors the CPU code beside it; results agree within float rounding.

// MSE over the entity's count = B * out outputs; writes dL/do, the loss and (reduction none) element losses.
inline void el_mse_loss(long S, int count, __global const float* out, __global const float* target,
    __global float* outGrad, __global float* elements, __global float* loss, __global const int* si, vi on)
{
    if (!ANY(on)) return;
    vi reduction = LD(si, SI_REDUCTION);
    vf sum = 0.0f;
    vf scale = reduction == 0 ? (vf)(2.0f / count) : (vf)2.0f;
    vi none = reduction == 2;
    for (int i = 0; i < count; i++)
    {
        vf d = LD(out, i) - LD(target, i);
        sum += d * d;
        if (ANY(none)) ST(elements, i, (none & on) ? d * d : LD(elements, i));
        STM(outGrad, i, d * scale);
    }
    STM(loss, 0, reduction == 0 ? sum / count : sum);
}
