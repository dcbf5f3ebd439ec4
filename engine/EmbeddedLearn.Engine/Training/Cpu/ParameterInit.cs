using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// PyTorch's default <c>nn.Linear</c> initialisation distribution: every weight and bias of layer <c>l</c>
/// uniform in <c>[-1/sqrt(in_l), 1/sqrt(in_l))</c>, drawn from <see cref="SplitMix64"/> in PyTorch order (per layer
/// the weight <c>[out, in]</c> row-major, then the bias) and stored in engine order (weight transposed).
/// </summary>
internal static class ParameterInit
{
    /// <summary>Fills <paramref name="engine"/> (<see cref="ModelLayout.ParameterCount"/> floats); the same
    /// <paramref name="seed"/> gives the same values on every machine.</summary>
    public static void Default(ModelLayout layout, ulong seed, Span<float> engine)
    {
        ArgumentNullException.ThrowIfNull(layout);
        KernelArguments.AtLeast(engine.Length, layout.ParameterCount, nameof(engine));
        var random = new SplitMix64(seed);
        for (int l = 0; l < layout.LayerCount; l++)
        {
            int inW = layout.LayerInput(l), outW = layout.LayerOutput(l), w = layout.WeightOffset(l), b = layout.BiasOffset(l);
            float bound = (float)(1.0 / Math.Sqrt(inW));
            for (int o = 0; o < outW; o++)
            {
                for (int i = 0; i < inW; i++)
                {
                    engine[w + (i * outW) + o] = Uniform(ref random, bound);
                }
            }

            for (int o = 0; o < outW; o++)
            {
                engine[b + o] = Uniform(ref random, bound);
            }
        }
    }

    /// <summary>A float in <c>[-bound, bound)</c>; never outside it after rounding.</summary>
    private static float Uniform(ref SplitMix64 random, float bound)
    {
        float value = ((2f * random.NextSingle()) - 1f) * bound;
        return value < bound ? value : -bound;
    }
}
