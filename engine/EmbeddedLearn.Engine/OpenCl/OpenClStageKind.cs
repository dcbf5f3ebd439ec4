namespace EmbeddedLearn.OpenCl;

/// <summary>The device kernels of the built-in stages, in the default pipeline order. The fused kernel runs the stages
/// whose bits (<c>1 &lt;&lt; kind</c>, the generated STAGE_* defines) are set, in this order.</summary>
internal enum OpenClStageKind
{
    ZeroGrad = 0,
    Forward = 1,
    MseLoss = 2,
    Backward = 3,
    Guard = 4,
    SgdStep = 5,
    AdamStep = 6,
    AdamWStep = 7,
}
