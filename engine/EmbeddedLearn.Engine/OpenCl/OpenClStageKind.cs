namespace EmbeddedLearn.OpenCl;

/// <summary>The device kernels of the built-in stages other than the optimizer steps (those are per optimizer unit).</summary>
internal enum OpenClStageKind
{
    ZeroGrad = 0,
    Forward = 1,
    MseLoss = 2,
    Backward = 3,
    Guard = 4,
}
