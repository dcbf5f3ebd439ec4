using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// Backward pass of one entity's dense network: from <c>dL/do</c> (<c>[B, out]</c>) it adds, for every layer,
/// <c>dL/dW_l^T = x_l^T dz_l</c> and <c>dL/db_l = sum_b dz_l</c> into <c>gradients</c> (same layout as the
/// parameters), with <c>dz_{l-1} = (dz_l W_l) * f'(a_{l-1})</c> and <c>f'</c> taken from the stored
/// post-activation values (applied in the input-gradient kernel's epilogue). Each pass's batch sum is formed first and then added to the stored gradient, as
/// PyTorch accumulates; with <c>accumulate</c> off it is stored as <c>0 + sum</c>, bit for bit what clearing the
/// gradients first and then accumulating gives, without reading them.
/// </summary>
/// <remarks>
/// Shapes as in <see cref="DenseForward"/>; <c>activations</c> must hold what the forward pass wrote for the
/// same parameters and inputs. <c>scratch</c> needs <see cref="ScratchLength"/> floats.
/// </remarks>
internal static unsafe class DenseBackward
{
    /// <summary>Scratch floats the backward pass needs: two <c>[B, MaxWidth]</c> buffers.</summary>
    public static int ScratchLength(ModelLayout layout, int batch)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return checked(2 * batch * layout.MaxWidth);
    }

    /// <summary>Runs the backward pass on the fastest path available.</summary>
    public static void Run(ModelLayout layout, int batch, ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs,
        ReadOnlySpan<float> activations, ReadOnlySpan<float> outputGradient, Span<float> gradients, Span<float> scratch) =>
        Run(layout, batch, parameters, inputs, activations, outputGradient, gradients, scratch, SimdSupport.Best);

    /// <summary>Runs the backward pass on <paramref name="path"/>, or on this machine's fastest path when that is
    /// narrower; every path gives the same bits. With <paramref name="accumulate"/> off the gradients are overwritten
    /// (as if cleared to +0 first) instead of added to. With <paramref name="prefetchNext"/> the cache lines of the
    /// <c>P</c> floats that follow <paramref name="gradients"/> (the next entity's, in a block) are asked for along the way
    /// (<see cref="LayerWeightGradient.Run"/>); the caller must own that memory.</summary>
    public static void Run(ModelLayout layout, int batch, ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs,
        ReadOnlySpan<float> activations, ReadOnlySpan<float> outputGradient, Span<float> gradients, Span<float> scratch,
        KernelPath path, bool accumulate = true, bool prefetchNext = false)
    {
        ArgumentNullException.ThrowIfNull(layout);
        KernelArguments.Batch(batch);
        KernelArguments.AtLeast(parameters.Length, layout.ParameterCount, nameof(parameters));
        KernelArguments.AtLeast(inputs.Length, (long)batch * layout.InputWidth, nameof(inputs));
        KernelArguments.AtLeast(activations.Length, (long)batch * layout.HiddenUnitCount, nameof(activations));
        KernelArguments.AtLeast(outputGradient.Length, (long)batch * layout.OutputWidth, nameof(outputGradient));
        KernelArguments.AtLeast(gradients.Length, layout.ParameterCount, nameof(gradients));
        KernelArguments.AtLeast(scratch.Length, 2L * batch * layout.MaxWidth, nameof(scratch));
        path = SimdSupport.Limit(path);

        fixed (float* p = parameters, xIn = inputs, act = activations, dOut = outputGradient, g = gradients, s = scratch)
        {
            float* dz = dOut;
            float* bufA = s, bufB = s + (batch * layout.MaxWidth);
            int hiddenOffset = batch * layout.HiddenUnitCount;
            for (int l = layout.LayerCount - 1; l >= 0; l--)
            {
                int inW = layout.LayerInput(l), outW = layout.LayerOutput(l);
                hiddenOffset -= l > 0 ? batch * inW : 0;
                float* x = l == 0 ? xIn : act + hiddenOffset;
                float* gW = g + layout.WeightOffset(l), gB = g + layout.BiasOffset(l);
                LayerWeightGradient.Run(path, batch, inW, outW, x, dz, gW, gB, accumulate, prefetchNext ? layout.ParameterCount : 0);

                if (l == 0)
                {
                    break;
                }

                float* dx = dz == bufA ? bufB : bufA;
                float* w = p + layout.WeightOffset(l);
                LayerInputGradient.Run(path, batch, inW, outW, w, dz, dx, x, layout.HiddenActivation);

                dz = dx;
            }
        }
    }
}
