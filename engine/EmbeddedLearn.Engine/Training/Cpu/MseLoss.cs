using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// MSE loss of one entity over its <c>N = B * out</c> outputs, as PyTorch's <c>nn.MSELoss</c>: mean
/// <c>L = sum((o - t)^2) / N</c>, <c>dL/do = 2 (o - t) / N</c>; sum <c>L = sum((o - t)^2)</c>,
/// <c>dL/do = 2 (o - t)</c>; none: per element <c>(o - t)^2</c> (reported as their sum), <c>dL/do = 2 (o - t)</c>.
/// </summary>
/// <remarks>N is a few floats per entity, so one scalar pass beats several vectorised ones.</remarks>
internal static class MseLoss
{
    /// <summary>Computes the loss and writes <c>dL/do</c>.</summary>
    /// <param name="outputs">Model outputs <c>o</c>, <c>N</c> floats.</param>
    /// <param name="targets">Targets <c>t</c>, at least <c>N</c> floats.</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="outputGradient">Receives <c>dL/do</c>, at least <c>N</c> floats.</param>
    /// <param name="elementLoss">For <see cref="LossReduction.None"/>, receives the <c>N</c> per-element losses;
    /// otherwise ignored (may be empty).</param>
    /// <returns>The reduced loss (for <see cref="LossReduction.None"/>, the sum of the element losses).</returns>
    public static float Run(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, LossReduction reduction,
        Span<float> outputGradient, Span<float> elementLoss)
    {
        int n = outputs.Length;
        KernelArguments.AtLeast(targets.Length, n, nameof(targets));
        KernelArguments.AtLeast(outputGradient.Length, n, nameof(outputGradient));
        bool none = reduction == LossReduction.None;
        if (none)
        {
            KernelArguments.AtLeast(elementLoss.Length, n, nameof(elementLoss));
        }

        float scale = reduction == LossReduction.Mean ? 2f / n : 2f;
        ReadOnlySpan<float> t = targets[..n];
        Span<float> grad = outputGradient[..n];
        float sum = 0f;
        for (int k = 0; k < outputs.Length; k++)
        {
            float d = outputs[k] - t[k];
            float e = d * d;
            sum += e;
            grad[k] = scale * d;
            if (none)
            {
                elementLoss[k] = e;
            }
        }

        return reduction == LossReduction.Mean ? sum / n : sum;
    }
}
