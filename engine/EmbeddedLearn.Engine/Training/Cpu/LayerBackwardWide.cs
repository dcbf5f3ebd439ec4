using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// The Vector512 tiles of the backward pass (need <see cref="SimdSupport.Wide"/>): the input gradient of layers
/// with one or two outputs, and the weight gradient sixteen columns at a time. No gathers and no horizontal
/// reductions: every lane holds a different result.
/// </summary>
internal static unsafe class LayerBackwardWide
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

    /// <summary>
    /// The first <paramref name="columns"/> (a multiple of 16) columns of <see cref="LayerWeightGradient"/>:
    /// <c>g[i, j..j+16] += sum_b x[b, i] dy[b, j..j+16]</c>, the batch sum formed in a register first.
    /// </summary>
    public static void WeightGradient(int batch, int inW, int outW, float* x, float* dy, float* g, int columns)
    {
        if (batch == 4)
        {
            for (int j = 0; j < columns; j += 16)
            {
                WeightGradientBatch4(inW, outW, x, dy + j, g + j);
            }

            return;
        }

        for (int i = 0; i < inW; i++, g += outW)
        {
            for (int j = 0; j < columns; j += 16)
            {
                float* d = dy + j;
                Vector512<float> s = Vector512.Create(x[i]) * Vector512.Load(d);
                for (int b = 1; b < batch; b++)
                {
                    d += outW;
                    s = Vector512.FusedMultiplyAdd(Vector512.Create(x[(b * inW) + i]), Vector512.Load(d), s);
                }

                (Vector512.Load(g + j) + s).Store(g + j);
            }
        }
    }

    /// <summary>Sixteen columns for a batch of four, the four rows of <c>dy</c> held in registers; the same
    /// operations in the same order as the general loop.</summary>
    private static void WeightGradientBatch4(int inW, int outW, float* x, float* dy, float* g)
    {
        Vector512<float> d0 = Vector512.Load(dy), d1 = Vector512.Load(dy + outW);
        Vector512<float> d2 = Vector512.Load(dy + (2 * outW)), d3 = Vector512.Load(dy + (3 * outW));
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        for (int i = 0; i < inW; i++, g += outW)
        {
            Vector512<float> s = Vector512.Create(x[i]) * d0;
            s = Vector512.FusedMultiplyAdd(Vector512.Create(x1[i]), d1, s);
            s = Vector512.FusedMultiplyAdd(Vector512.Create(x2[i]), d2, s);
            s = Vector512.FusedMultiplyAdd(Vector512.Create(x3[i]), d3, s);
            (Vector512.Load(g) + s).Store(g);
        }
    }
}
