using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// One SGD step over one entity's parameters, as PyTorch's <c>optim.SGD</c>: <c>g = maximize ? -grad : grad</c>;
/// <c>g = g + wd p</c> when <c>wd != 0</c>; with momentum <c>m != 0</c>: <c>buf = firstStep ? g : m buf + (1 - dampening) g</c>,
/// <c>g = nesterov ? g + m buf : buf</c>; then <c>p = p - lr g</c>. All spans hold <c>P</c> floats
/// (<c>momentumBuffer</c> is empty when <c>m == 0</c>).
/// </summary>
internal static class SgdStep
{
    /// <summary>Applies the step in place to <paramref name="parameters"/> (and <paramref name="momentumBuffer"/>).</summary>
    public static void Run(in TrainingSettings s, bool firstStep, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> momentumBuffer)
    {
        int n = parameters.Length;
        KernelArguments.AtLeast(gradients.Length, n, nameof(gradients));
        bool momentum = s.Momentum != 0f;
        if (momentum)
        {
            KernelArguments.AtLeast(momentumBuffer.Length, n, nameof(momentumBuffer));
        }

        float lr = s.LearningRate, wd = s.WeightDecay, mu = s.Momentum, damp = 1f - s.Dampening;
        bool maximize = s.Maximize, nesterov = s.Nesterov;
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float gr = ref MemoryMarshal.GetReference(gradients);
        ref float buf = ref MemoryMarshal.GetReference(momentumBuffer);
        if (!momentum && !maximize && wd == 0f)
        {
            Plain(lr, parameters, gradients);
            return;
        }

        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vLr = Vector256.Create(lr), vWd = Vector256.Create(wd), vMu = Vector256.Create(mu), vDamp = Vector256.Create(damp);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                Vector256<float> g = Vector256.LoadUnsafe(ref gr, (nuint)i);
                g = maximize ? -g : g;
                g = wd != 0f ? g + (vWd * pv) : g;
                if (momentum)
                {
                    Vector256<float> b = firstStep ? g : (vMu * Vector256.LoadUnsafe(ref buf, (nuint)i)) + (vDamp * g);
                    b.StoreUnsafe(ref buf, (nuint)i);
                    g = nesterov ? g + (vMu * b) : b;
                }

                (pv - (vLr * g)).StoreUnsafe(ref p, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float pv = Unsafe.Add(ref p, i);
            float g = Unsafe.Add(ref gr, i);
            g = maximize ? -g : g;
            g = wd != 0f ? g + (wd * pv) : g;
            if (momentum)
            {
                float b = firstStep ? g : (mu * Unsafe.Add(ref buf, i)) + (damp * g);
                Unsafe.Add(ref buf, i) = b;
                g = nesterov ? g + (mu * b) : b;
            }

            Unsafe.Add(ref p, i) = pv - (lr * g);
        }
    }

    /// <summary><c>p = p - lr g</c>: the step without momentum, weight decay or maximize.</summary>
    private static void Plain(float lr, Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float gr = ref MemoryMarshal.GetReference(gradients);
        int n = parameters.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vLr = Vector256.Create(lr);
            for (; i + 16 <= n; i += 16)
            {
                Vector256<float> a = Vector256.LoadUnsafe(ref p, (nuint)i) - (vLr * Vector256.LoadUnsafe(ref gr, (nuint)i));
                Vector256<float> b = Vector256.LoadUnsafe(ref p, (nuint)(i + 8)) - (vLr * Vector256.LoadUnsafe(ref gr, (nuint)(i + 8)));
                a.StoreUnsafe(ref p, (nuint)i);
                b.StoreUnsafe(ref p, (nuint)(i + 8));
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref p, i) -= lr * Unsafe.Add(ref gr, i);
        }
    }
}
