using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// Derivatives of the hidden activations applied in place to a whole <c>[B, width]</c> block, taken from the
/// stored post-activation values <c>y</c> (the activations themselves run in the forward tiles, <see cref="FastActivation"/>): relu <c>y &gt; 0</c>; leaky_relu <c>y &gt; 0 ? 1 : 0.01</c>;
/// tanh <c>1 - y^2</c>; sigmoid <c>y (1 - y)</c>; identity 1.
/// </summary>
internal static class ActivationKernels
{
    /// <summary><c>gradient = gradient * f'(z)</c> element-wise, with <c>f'</c> written in terms of the
    /// post-activation values <paramref name="y"/> (same length as <paramref name="gradient"/>).</summary>
    public static void BackwardInPlace(Activation activation, ReadOnlySpan<float> y, Span<float> gradient)
    {
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(gradient);
        int n = gradient.Length;
        int i = 0;
        if (activation == Activation.Identity)
        {
            return;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> yv = Vector256.LoadUnsafe(ref yr, (nuint)i);
                Vector256<float> gv = Vector256.LoadUnsafe(ref gr, (nuint)i);
                Vector256<float> d = activation switch
                {
                    Activation.Relu => Vector256.ConditionalSelect(Vector256.GreaterThan(yv, Vector256<float>.Zero), gv, Vector256<float>.Zero),
                    Activation.LeakyRelu => gv * Vector256.ConditionalSelect(
                        Vector256.GreaterThan(yv, Vector256<float>.Zero), Vector256<float>.One, Vector256.Create(ActivationNames.LeakyReluSlope)),
                    Activation.Tanh => gv * (Vector256<float>.One - (yv * yv)),
                    _ => gv * (yv * (Vector256<float>.One - yv)),
                };
                d.StoreUnsafe(ref gr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref gr, i) = Derivative(activation, Unsafe.Add(ref yr, i), Unsafe.Add(ref gr, i));
        }
    }

    private static float Derivative(Activation activation, float y, float g) => activation switch
    {
        Activation.Relu => y > 0f ? g : 0f,
        Activation.LeakyRelu => g * (y > 0f ? 1f : ActivationNames.LeakyReluSlope),
        Activation.Tanh => g * (1f - (y * y)),
        Activation.Sigmoid => g * (y * (1f - y)),
        _ => g,
    };
}
