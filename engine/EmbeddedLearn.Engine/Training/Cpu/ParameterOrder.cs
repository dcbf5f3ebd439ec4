using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// Converts one entity's parameters (or gradients) between PyTorch's order (per layer: weight <c>[out, in]</c>
/// row-major, then bias <c>[out]</c>) and the engine's (weight transposed to <c>[in, out]</c>, then bias); each
/// layer starts at the same offsets in both. Both spans hold <see cref="ModelLayout.ParameterCount"/> floats.
/// </summary>
internal static class ParameterOrder
{
    /// <summary><c>engine[W_l^T[i, o]] = torch[W_l[o, i]]</c>; biases copied.</summary>
    public static void ImportTorch(ModelLayout layout, ReadOnlySpan<float> torchOrder, Span<float> engine) =>
        Convert(layout, torchOrder, engine, toEngine: true);

    /// <summary><c>torch[W_l[o, i]] = engine[W_l^T[i, o]]</c>; biases copied.</summary>
    public static void ExportTorch(ModelLayout layout, ReadOnlySpan<float> engine, Span<float> torchOrder) =>
        Convert(layout, engine, torchOrder, toEngine: false);

    private static void Convert(ModelLayout layout, ReadOnlySpan<float> source, Span<float> destination, bool toEngine)
    {
        ArgumentNullException.ThrowIfNull(layout);
        KernelArguments.AtLeast(source.Length, layout.ParameterCount, nameof(source));
        KernelArguments.AtLeast(destination.Length, layout.ParameterCount, nameof(destination));
        for (int l = 0; l < layout.LayerCount; l++)
        {
            int inW = layout.LayerInput(l), outW = layout.LayerOutput(l), w = layout.WeightOffset(l);
            for (int o = 0; o < outW; o++)
            {
                for (int i = 0; i < inW; i++)
                {
                    int torch = w + (o * inW) + i, engine = w + (i * outW) + o;
                    destination[toEngine ? engine : torch] = source[toEngine ? torch : engine];
                }
            }

            source.Slice(layout.BiasOffset(l), outW).CopyTo(destination.Slice(layout.BiasOffset(l), outW));
        }
    }
}
