using System.Numerics;
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
    /// <summary>
    /// Applies step <paramref name="step"/> (<c>t</c>, 1 on the first step) in place, in one pass that also checks the
    /// new values: true when every new parameter, <c>m</c> and <c>v</c> is finite. When <paramref name="backup"/> is not
    /// empty the pass first copies each old value there, <c>[parameters | m | v]</c> (3P floats), so that a caller can
    /// put back a step it rejects. With <paramref name="decoupled"/> the weight decay is AdamW's: <c>p = p * (1 - lr wd)</c>
    /// (the factor computed in double, as torch does, and applied in float) before the update, and no L2 term.
    /// </summary>
    public static bool Run(in TrainingSettings s, long step, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> m, Span<float> v, Span<float> backup = default, bool decoupled = false)
    {
        int n = parameters.Length;
        KernelArguments.AtLeast(gradients.Length, n, nameof(gradients));
        KernelArguments.AtLeast(m.Length, n, nameof(m));
        KernelArguments.AtLeast(v.Length, n, nameof(v));
        bool keep = !backup.IsEmpty;
        if (keep)
        {
            KernelArguments.AtLeast(backup.Length, 3L * n, nameof(backup));
        }

        double b1 = s.Beta1, b2 = s.Beta2;
        float sqrtBc2 = (float)Math.Sqrt(1.0 - ExactMath.Pow(b2, step));
        float negStepSize = (float)-(s.LearningRate / (1.0 - ExactMath.Pow(b1, step)));
        float beta1 = s.Beta1, beta2 = s.Beta2, oneMinusB1 = (float)(1.0 - b1), oneMinusB2 = (float)(1.0 - b2);
        float wd = decoupled ? 0f : s.WeightDecay, eps = s.Epsilon;
        bool decay = decoupled && s.WeightDecay != 0f;
        float factor = (float)(1.0 - ((double)s.LearningRate * s.WeightDecay));
        bool maximize = s.Maximize;
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float gr = ref MemoryMarshal.GetReference(gradients);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        ref float oldP = ref MemoryMarshal.GetReference(backup);
        ref float oldM = ref Unsafe.Add(ref oldP, keep ? n : 0);
        ref float oldV = ref Unsafe.Add(ref oldP, keep ? 2 * n : 0);
        int i = 0;
        bool finite = true;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<float> vB1 = new Vector<float>(beta1), vB2 = new Vector<float>(beta2), vC1 = new Vector<float>(oneMinusB1);
            Vector<float> vC2 = new Vector<float>(oneMinusB2), vWd = new Vector<float>(wd), vEps = new Vector<float>(eps);
            Vector<float> vSq = new Vector<float>(sqrtBc2), vStep = new Vector<float>(negStepSize), vFactor = new Vector<float>(factor);
            Vector<float> bad = Vector<float>.Zero;
            for (; i + Vector<float>.Count <= n; i += Vector<float>.Count)
            {
                Vector<float> pv = Vector.LoadUnsafe(ref p, (nuint)i);
                Vector<float> g = Vector.LoadUnsafe(ref gr, (nuint)i);
                Vector<float> m0 = Vector.LoadUnsafe(ref mr, (nuint)i), v0 = Vector.LoadUnsafe(ref vr, (nuint)i);
                if (keep)
                {
                    pv.StoreUnsafe(ref oldP, (nuint)i);
                    m0.StoreUnsafe(ref oldM, (nuint)i);
                    v0.StoreUnsafe(ref oldV, (nuint)i);
                }

                pv = decay ? pv * vFactor : pv;
                g = maximize ? -g : g;
                g = wd != 0f ? g + (vWd * pv) : g;
                Vector<float> mv = (m0 * vB1) + (vC1 * g);
                Vector<float> vv = (v0 * vB2) + (vC2 * g * g);
                mv.StoreUnsafe(ref mr, (nuint)i);
                vv.StoreUnsafe(ref vr, (nuint)i);
                Vector<float> denom = (Vector.SquareRoot(vv) / vSq) + vEps;
                Vector<float> np = pv + (vStep * mv / denom);
                np.StoreUnsafe(ref p, (nuint)i);
                bad |= FiniteLanes.NonFinite(mv) | FiniteLanes.NonFinite(vv) | FiniteLanes.NonFinite(np);
            }

            finite = FiniteLanes.AllFinite(bad);
        }

        for (; i < n; i++)
        {
            float pv = Unsafe.Add(ref p, i);
            float g = Unsafe.Add(ref gr, i);
            float m0 = Unsafe.Add(ref mr, i), v0 = Unsafe.Add(ref vr, i);
            if (keep)
            {
                Unsafe.Add(ref oldP, i) = pv;
                Unsafe.Add(ref oldM, i) = m0;
                Unsafe.Add(ref oldV, i) = v0;
            }

            pv = decay ? pv * factor : pv;
            g = maximize ? -g : g;
            g = wd != 0f ? g + (wd * pv) : g;
            float mv = (m0 * beta1) + (oneMinusB1 * g);
            float vv = (v0 * beta2) + (oneMinusB2 * g * g);
            Unsafe.Add(ref mr, i) = mv;
            Unsafe.Add(ref vr, i) = vv;
            float denom = (MathF.Sqrt(vv) / sqrtBc2) + eps;
            float np = pv + (negStepSize * mv / denom);
            Unsafe.Add(ref p, i) = np;
            finite &= float.IsFinite(mv) && float.IsFinite(vv) && float.IsFinite(np);
        }

        return finite;
    }
}
