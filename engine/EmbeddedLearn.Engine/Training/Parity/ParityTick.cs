namespace EmbeddedLearn.Training.Parity;

/// <summary>One tick of a parity case: what was fed (<c>[B, in]</c> inputs, <c>[B, out]</c> targets) and what
/// PyTorch returned: outputs <c>[B, out]</c>, the loss, the gradients after backward and the parameters after the
/// tick (both P floats in PyTorch order), and whether the optimizer stepped; with clipping, also the gradient norm
/// before clipping and the clipped gradients.</summary>
public sealed record ParityTick(
    float[] Inputs,
    float[] Targets,
    float[] Outputs,
    float Loss,
    float[] GradientsAfterBackward,
    bool Stepped,
    float[] ParametersAfterTick)
{
    /// <summary>What <c>clip_grad_norm_</c> returned on a tick that stepped with clipping (torch-parity-clip.json), or null.</summary>
    public float? GradientNormBeforeClip { get; init; }

    /// <summary>The gradients after clipping (P floats, PyTorch order) on a tick that stepped with clipping, or null.</summary>
    public float[]? GradientsAfterClip { get; init; }
}
