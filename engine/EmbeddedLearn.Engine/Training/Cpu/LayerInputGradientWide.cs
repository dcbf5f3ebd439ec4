using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// The Vector512 input-gradient tile for layers with one or two outputs (needs <see cref="SimdSupport.Wide"/>):
/// no gather and no horizontal reduction, every lane holds a different result.
/// </summary>
internal static unsafe class LayerInputGradientWide
{
    /// <summary>
    /// <see cref="LayerInputGradient"/> for <c>out</c> of 1 or 2: <c>dx[b, i..i+16] = f'(y) (dy[b, 0] W[0, i..i+16]
    /// + dy[b, 1] W[1, i..i+16])</c>. The rows of <c>W</c> are columns of <c>wT [in, out]</c>; for two outputs they
    /// are split from two loads of sixteen interleaved pairs by two permutes, once for all samples.
    /// </summary>
    public static void InputGradientNarrow(int batch, int inW, int outW, float* wT, float* dy, float* dx, float* y, Activation activation)
    {
        Vector512<int> even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        Vector512<int> odd = even + Vector512<int>.One;
        int i = 0;
        for (; i + 16 <= inW; i += 16)
        {
            Vector512<float> c0, c1 = Vector512<float>.Zero;
            if (outW == 1)
            {
                c0 = Vector512.Load(wT + i);
            }
            else
            {
                Vector512<float> lo = Vector512.Load(wT + (2 * i)), hi = Vector512.Load(wT + (2 * i) + 16);
                c0 = Avx512F.PermuteVar16x32x2(lo, even, hi);
                c1 = Avx512F.PermuteVar16x32x2(lo, odd, hi);
            }

            for (int b = 0; b < batch; b++)
            {
                float* d = dy + (b * outW);
                Vector512<float> s = c0 * Vector512.Create(d[0]);
                if (outW == 2)
                {
                    s = Vector512.FusedMultiplyAdd(c1, Vector512.Create(d[1]), s);
                }

                int at = (b * inW) + i;
                ActivationKernels.Backward(activation, Vector512.Load(y + at), s).Store(dx + at);
            }
        }

        for (; i < inW; i++)
        {
            float* w = wT + (i * outW);
            for (int b = 0; b < batch; b++)
            {
                float* d = dy + (b * outW);
                float s = w[0] * d[0];
                if (outW == 2)
                {
                    s = MathF.FusedMultiplyAdd(w[1], d[1], s);
                }

                int at = (b * inW) + i;
                dx[at] = ActivationKernels.Backward(activation, y[at], s);
            }
        }
    }
}
