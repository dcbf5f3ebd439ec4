using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// Forward pass of one entity's dense network: for every layer <c>l</c>, <c>z = x W_l^T + b_l</c>, then the
/// hidden activation after every layer but the last (float approximations from <see cref="FastActivation"/>,
/// applied in the layer kernels' registers).
/// </summary>
/// <remarks>
/// Shapes (row-major floats): <c>parameters</c> is the engine layout of <see cref="ModelLayout.ParameterCount"/>
/// floats (each weight transposed, <c>[in_l, out_l]</c> at <see cref="ModelLayout.WeightOffset"/>, its bias
/// <c>[out_l]</c> at <see cref="ModelLayout.BiasOffset"/>); <c>inputs</c> is <c>[B, in]</c>; <c>activations</c>
/// is <c>B * HiddenUnitCount</c> floats receiving the post-activation output of each hidden layer <c>h</c> as a
/// <c>[B, width_{h+1}]</c> block, layer-major; <c>outputs</c> is <c>[B, out]</c>.
/// </remarks>
internal static unsafe class DenseForward
{
    /// <summary>Runs the forward pass on the fastest path available.</summary>
    public static void Run(ModelLayout layout, int batch, ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs,
        Span<float> activations, Span<float> outputs) =>
        Run(layout, batch, parameters, inputs, activations, outputs, SimdSupport.Best);

    /// <summary>Runs the forward pass on <paramref name="path"/>, or on this machine's fastest path when that is
    /// narrower; every path gives the same bits. With <paramref name="prefetchNext"/> the cache lines of the <c>P</c>
    /// floats that follow <paramref name="parameters"/> (the next entity's, in a block) are asked for along the way
    /// (<see cref="LayerForward.Run"/>); the caller must own that memory.</summary>
    public static void Run(ModelLayout layout, int batch, ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs,
        Span<float> activations, Span<float> outputs, KernelPath path, bool prefetchNext = false)
    {
        ArgumentNullException.ThrowIfNull(layout);
        KernelArguments.Batch(batch);
        KernelArguments.AtLeast(parameters.Length, layout.ParameterCount, nameof(parameters));
        KernelArguments.AtLeast(inputs.Length, (long)batch * layout.InputWidth, nameof(inputs));
        KernelArguments.AtLeast(activations.Length, (long)batch * layout.HiddenUnitCount, nameof(activations));
        KernelArguments.AtLeast(outputs.Length, (long)batch * layout.OutputWidth, nameof(outputs));
        path = SimdSupport.Limit(path);

        fixed (float* p = parameters, xIn = inputs, act = activations, yOut = outputs)
        {
            float* x = xIn;
            int last = layout.LayerCount - 1;
            for (int l = 0; l <= last; l++)
            {
                int inW = layout.LayerInput(l), outW = layout.LayerOutput(l);
                float* y = l == last ? yOut : (l == 0 ? act : x + (batch * inW));
                float* w = p + layout.WeightOffset(l), bias = p + layout.BiasOffset(l);
                Activation activation = l == last ? Activation.Identity : layout.HiddenActivation;
                LayerForward.Run(path, batch, inW, outW, w, bias, x, y, activation, prefetchNext ? layout.ParameterCount : 0);

                x = y;
            }
        }
    }
}
