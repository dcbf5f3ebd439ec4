using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// Back-propagates through one dense layer's weights: <c>dx[b, i] = sum_o wT[i, o] * dy[b, o]</c> with the
/// transposed weight <c>wT</c> of shape <c>[in, out]</c>, <c>dy</c> of <c>[B, out]</c> and <c>dx</c> of
/// <c>[B, in]</c> (overwritten), all row-major. The vector path takes each row of <c>wT</c> once per group of four
/// samples and reduces the four dot products together.
/// </summary>
internal static unsafe class LayerInputGradient
{
    /// <summary>Runs on the fastest path available.</summary>
    public static void Run(int batch, int inW, int outW, float* wT, float* dy, float* dx)
    {
        if (SimdSupport.Vector)
        {
            Vector(batch, inW, outW, wT, dy, dx);
        }
        else
        {
            Scalar(batch, inW, outW, wT, dy, dx);
        }
    }

    /// <summary>The portable path.</summary>
    public static void Scalar(int batch, int inW, int outW, float* wT, float* dy, float* dx)
    {
        for (int b = 0; b < batch; b++)
        {
            float* d = dy + (b * outW);
            for (int i = 0; i < inW; i++)
            {
                float* w = wT + (i * outW);
                float s = 0f;
                for (int o = 0; o < outW; o++)
                {
                    s += w[o] * d[o];
                }

                dx[(b * inW) + i] = s;
            }
        }
    }

    /// <summary>The AVX2 + FMA path (needs <see cref="SimdSupport.Vector"/>).</summary>
    public static void Vector(int batch, int inW, int outW, float* wT, float* dy, float* dx)
    {
        if (outW < 8)
        {
            Narrow(batch, inW, outW, wT, dy, dx);
            return;
        }

        int full = outW & ~7;
        int lanes = outW - full;
        Vector256<float> mask = SimdSupport.LeadingMask(lanes == 0 ? 8 : lanes);
        int b = 0;
        for (; b + 4 <= batch; b += 4)
        {
            float* d0 = dy + (b * outW), d1 = d0 + outW, d2 = d1 + outW, d3 = d2 + outW;
            Vector256<float> t0 = Vector256<float>.Zero, t1 = t0, t2 = t0, t3 = t0;
            if (lanes != 0)
            {
                t0 = Avx.MaskLoad(d0 + full, mask);
                t1 = Avx.MaskLoad(d1 + full, mask);
                t2 = Avx.MaskLoad(d2 + full, mask);
                t3 = Avx.MaskLoad(d3 + full, mask);
            }

            float* x = dx + (b * inW);
            float* w = wT;
            for (int i = 0; i < inW; i++, w += outW)
            {
                Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
                for (int j = 0; j < full; j += 8)
                {
                    Vector256<float> wv = Avx.LoadVector256(w + j);
                    a0 = Fma.MultiplyAdd(wv, Avx.LoadVector256(d0 + j), a0);
                    a1 = Fma.MultiplyAdd(wv, Avx.LoadVector256(d1 + j), a1);
                    a2 = Fma.MultiplyAdd(wv, Avx.LoadVector256(d2 + j), a2);
                    a3 = Fma.MultiplyAdd(wv, Avx.LoadVector256(d3 + j), a3);
                }

                if (lanes != 0)
                {
                    Vector256<float> wv = Avx.MaskLoad(w + full, mask);
                    a0 = Fma.MultiplyAdd(wv, t0, a0);
                    a1 = Fma.MultiplyAdd(wv, t1, a1);
                    a2 = Fma.MultiplyAdd(wv, t2, a2);
                    a3 = Fma.MultiplyAdd(wv, t3, a3);
                }

                Vector128<float> r = SimdSupport.Sum4(a0, a1, a2, a3);
                x[i] = r.GetElement(0);
                x[inW + i] = r.GetElement(1);
                x[(2 * inW) + i] = r.GetElement(2);
                x[(3 * inW) + i] = r.GetElement(3);
            }
        }

        for (; b < batch; b++)
        {
            float* d = dy + (b * outW);
            for (int i = 0; i < inW; i++)
            {
                float* w = wT + (i * outW);
                Vector256<float> a = Vector256<float>.Zero;
                for (int j = 0; j < outW; j += 8)
                {
                    Vector256<float> m = SimdSupport.LeadingMask(Math.Min(8, outW - j));
                    a = Fma.MultiplyAdd(Avx.MaskLoad(w + j, m), Avx.MaskLoad(d + j, m), a);
                }

                dx[(b * inW) + i] = Vector256.Sum(a);
            }
        }
    }

    /// <summary>Outputs narrower than eight: gathers eight rows of one column of <c>wT</c> (a row chunk of
    /// <c>W</c>) and adds <c>dy[b, o] W[o, i..i+8]</c> into <c>dx[b, i..i+8]</c> for every sample.</summary>
    private static void Narrow(int batch, int inW, int outW, float* wT, float* dy, float* dx)
    {
        Vector256<int> rowStep = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * outW;
        for (int i = 0; i < inW; i += 8)
        {
            int rows = Math.Min(8, inW - i);
            Vector256<float> mask = SimdSupport.LeadingMask(rows);
            for (int o = 0; o < outW; o++)
            {
                Vector256<float> column = Avx2.GatherMaskVector256(Vector256<float>.Zero, wT + (i * outW) + o, rowStep, mask, 4);
                for (int b = 0; b < batch; b++)
                {
                    float* d = dx + (b * inW) + i;
                    Vector256<float> scale = Vector256.Create(dy[(b * outW) + o]);
                    if (rows == 8)
                    {
                        Avx.Store(d, o == 0 ? Avx.Multiply(scale, column) : Fma.MultiplyAdd(scale, column, Avx.LoadVector256(d)));
                    }
                    else
                    {
                        Avx.MaskStore(d, mask, o == 0 ? Avx.Multiply(scale, column) : Fma.MultiplyAdd(scale, column, Avx.MaskLoad(d, mask)));
                    }
                }
            }
        }
    }
}
