using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// One Adam step over one entity's parameters, as libtorch's <c>optim::Adam</c> (amsgrad off):
/// <c>g = maximize ? -grad : grad</c>; <c>g = g + wd p</c> when <c>wd != 0</c>; <c>m = b1 m + (1 - b1) g</c>;
/// <c>v = b2 v + (1 - b2) g^2</c>; with <c>bc1 = 1 - b1^t</c>, <c>bc2 = 1 - b2^t</c> (double):
/// <c>denom = sqrt(v) / sqrt(bc2) + eps</c>, <c>p = p - (lr / bc1) m / denom</c>. All spans hold <c>P</c> floats.
/// <c>b^t</c> is <see cref="ExactMath.Pow"/> (not libm's pow), and the vector and scalar loops do the same float
/// operations in the same order (no fused multiply-add), so every machine gives the same bits.
/// </summary>
internal static class AdamStep
{
    /// <summary>Applies step <paramref name="step"/> (<c>t</c>, 1 on the first step) in place.</summary>
    public static void Run(in TrainingSettings s, long step, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> m, Span<float> v)
    {
        int n = parameters.Length;
        KernelArguments.AtLeast(gradients.Length, n, nameof(gradients));
        KernelArguments.AtLeast(m.Length, n, nameof(m));
        KernelArguments.AtLeast(v.Length, n, nameof(v));
        double b1 = s.Beta1, b2 = s.Beta2;
        float sqrtBc2 = (float)Math.Sqrt(1.0 - ExactMath.Pow(b2, step));
        float negStepSize = (float)-(s.LearningRate / (1.0 - ExactMath.Pow(b1, step)));
        float beta1 = s.Beta1, beta2 = s.Beta2, oneMinusB1 = (float)(1.0 - b1), oneMinusB2 = (float)(1.0 - b2);
        float wd = s.WeightDecay, eps = s.Epsilon;
        bool maximize = s.Maximize;
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float gr = ref MemoryMarshal.GetReference(gradients);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> vB1 = Vector256.Create(beta1), vB2 = Vector256.Create(beta2), vC1 = Vector256.Create(oneMinusB1);
            Vector256<float> vC2 = Vector256.Create(oneMinusB2), vWd = Vector256.Create(wd), vEps = Vector256.Create(eps);
            Vector256<float> vSq = Vector256.Create(sqrtBc2), vStep = Vector256.Create(negStepSize);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> pv = Vector256.LoadUnsafe(ref p, (nuint)i);
                Vector256<float> g = Vector256.LoadUnsafe(ref gr, (nuint)i);
                g = maximize ? -g : g;
                g = wd != 0f ? g + (vWd * pv) : g;
                Vector256<float> mv = (Vector256.LoadUnsafe(ref mr, (nuint)i) * vB1) + (vC1 * g);
                Vector256<float> vv = (Vector256.LoadUnsafe(ref vr, (nuint)i) * vB2) + (vC2 * g * g);
                mv.StoreUnsafe(ref mr, (nuint)i);
                vv.StoreUnsafe(ref vr, (nuint)i);
                Vector256<float> denom = (Vector256.Sqrt(vv) / vSq) + vEps;
                (pv + (vStep * mv / denom)).StoreUnsafe(ref p, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float pv = Unsafe.Add(ref p, i);
            float g = Unsafe.Add(ref gr, i);
            g = maximize ? -g : g;
            g = wd != 0f ? g + (wd * pv) : g;
            float mv = (Unsafe.Add(ref mr, i) * beta1) + (oneMinusB1 * g);
            float vv = (Unsafe.Add(ref vr, i) * beta2) + (oneMinusB2 * g * g);
            Unsafe.Add(ref mr, i) = mv;
            Unsafe.Add(ref vr, i) = vv;
            float denom = (MathF.Sqrt(vv) / sqrtBc2) + eps;
            Unsafe.Add(ref p, i) = pv + (negStepSize * mv / denom);
        }
    }
}
