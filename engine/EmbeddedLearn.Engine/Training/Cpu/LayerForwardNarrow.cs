using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// <see cref="LayerForward"/> for layers of one or two outputs (a value head, a steering pair), where one chain per
/// output would leave the FMA units waiting on its latency: four partial sums per output instead.
/// </summary>
/// <remarks>
/// The canonical order, the same on every path: with <c>n4 = in - in mod 4</c>, partial sums <c>p_k</c>
/// (<c>k = 0..3</c>) from +0 take <c>p_k = fma(x[b, i], wT[i, o], p_k)</c> for <c>i = k, k + 4, ... &lt; n4</c>;
/// <c>s = (p0 + p1) + (p2 + p3)</c>; then <c>s = fma(x[b, i], wT[i, o], s)</c> for <c>i = n4 .. in - 1</c>; then
/// <c>y[b, o] = f(bias[o] + s)</c>. The vector form is written once on <see cref="Vector128{T}"/>: lanes hold
/// <c>(k, o)</c>, <c>x[b, i..i+4]</c> is loaded once and its lanes repeated by a shuffle, and four rows of <c>wT</c>
/// (<c>4 out</c> contiguous floats) load flat.
/// </remarks>
internal static unsafe class LayerForwardNarrow
{
    /// <summary>The reference.</summary>
    public static void Scalar(int batch, int inW, int outW, float* wT, float* bias, float* x, float* y, Activation activation)
    {
        int n4 = inW & ~3;
        for (int b = 0; b < batch; b++)
        {
            float* xb = x + (b * inW);
            for (int o = 0; o < outW; o++)
            {
                float p0 = 0f, p1 = 0f, p2 = 0f, p3 = 0f;
                for (int i = 0; i < n4; i += 4)
                {
                    p0 = ExactMath.Fma(xb[i], wT[(i * outW) + o], p0);
                    p1 = ExactMath.Fma(xb[i + 1], wT[((i + 1) * outW) + o], p1);
                    p2 = ExactMath.Fma(xb[i + 2], wT[((i + 2) * outW) + o], p2);
                    p3 = ExactMath.Fma(xb[i + 3], wT[((i + 3) * outW) + o], p3);
                }

                y[(b * outW) + o] = Finish(inW, outW, n4, (p0 + p1) + (p2 + p3), o, wT, bias, xb, activation);
            }
        }
    }

    /// <summary>The vector form (needs <see cref="Vector128.IsHardwareAccelerated"/>).</summary>
    public static void Vector(int batch, int inW, int outW, float* wT, float* bias, float* x, float* y, Activation activation)
    {
        int n4 = inW & ~3;
        for (int b = 0; b < batch; b++)
        {
            float* xb = x + (b * inW);
            if (outW == 1)
            {
                Vector128<float> a = Vector128<float>.Zero;
                for (int i = 0; i < n4; i += 4)
                {
                    a = ExactMath.Fma(Vector128.Load(xb + i), Vector128.Load(wT + i), a);
                }

                Vector128<float> u = a + Vector128.Shuffle(a, Vector128.Create(1, 0, 3, 2)); // p0 + p1 in lane 0, p2 + p3 in lane 2
                y[b] = Finish(inW, 1, n4, u.ToScalar() + u.GetElement(2), 0, wT, bias, xb, activation);
            }
            else
            {
                Vector128<float> lo = Vector128<float>.Zero, hi = lo;
                for (int i = 0; i < n4; i += 4)
                {
                    Vector128<float> xv = Vector128.Load(xb + i);
                    lo = ExactMath.Fma(Vector128.Shuffle(xv, Vector128.Create(0, 0, 1, 1)), Vector128.Load(wT + (2 * i)), lo);
                    hi = ExactMath.Fma(Vector128.Shuffle(xv, Vector128.Create(2, 2, 3, 3)), Vector128.Load(wT + (2 * i) + 4), hi);
                }

                // lo holds (p0, o) in lanes 0..1 and (p1, o) in 2..3; hi the same for p2, p3.
                Vector128<float> s = (lo + Vector128.Shuffle(lo, Vector128.Create(2, 3, 0, 1)))
                    + (hi + Vector128.Shuffle(hi, Vector128.Create(2, 3, 0, 1)));
                y[2 * b] = Finish(inW, 2, n4, s.ToScalar(), 0, wT, bias, xb, activation);
                y[(2 * b) + 1] = Finish(inW, 2, n4, s.GetElement(1), 1, wT, bias, xb, activation);
            }
        }
    }

    /// <summary>The tail inputs past <paramref name="n4"/>, the bias and the activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(int inW, int outW, int n4, float s, int o, float* wT, float* bias, float* xb, Activation activation)
    {
        for (int i = n4; i < inW; i++)
        {
            s = ExactMath.Fma(xb[i], wT[(i * outW) + o], s);
        }

        return FastActivation.Apply(activation, bias[o] + s);
    }
}
