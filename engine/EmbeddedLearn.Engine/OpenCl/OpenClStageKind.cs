namespace EmbeddedLearn.OpenCl;

/// <summary>The device stages, in their default order.</summary>
internal enum OpenClStageKind
{
    ZeroGrad = 0,
    Forward = 1,
    MseLoss = 2,
    Backward = 3,
    SgdStep = 4,
    AdamStep = 5,
}
