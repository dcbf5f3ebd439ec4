using System.Numerics.Tensors;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>AdamW's decoupled weight decay over one entity's parameters: <c>p = p * (1 - lr wd)</c>, applied before the
/// Adam update (which then runs without an L2 term).</summary>
internal static class AdamWStep
{
    /// <summary>Scales <paramref name="parameters"/> (P floats) by <c>1 - lr wd</c> in place; nothing when <c>wd = 0</c>.</summary>
    public static void Decay(in TrainingSettings s, Span<float> parameters)
    {
        if (s.WeightDecay == 0f)
        {
            return;
        }

        // As torch: the factor is computed in double from the group's lr and wd, then applied in float.
        TensorPrimitives.Multiply(parameters, (float)(1.0 - ((double)s.LearningRate * s.WeightDecay)), parameters);
    }
}
