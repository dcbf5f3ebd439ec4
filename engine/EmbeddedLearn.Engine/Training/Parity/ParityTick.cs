namespace EmbeddedLearn.Training.Parity;

/// <summary>One tick of a parity case: what was fed (<c>[B, in]</c> inputs, <c>[B, out]</c> targets) and what
/// PyTorch returned: outputs <c>[B, out]</c>, the loss, the gradients after backward and the parameters after the
/// tick (both P floats in PyTorch order), and whether the optimizer stepped.</summary>
public sealed record ParityTick(
    float[] Inputs,
    float[] Targets,
    float[] Outputs,
    float Loss,
    float[] GradientsAfterBackward,
    bool Stepped,
    float[] ParametersAfterTick);
