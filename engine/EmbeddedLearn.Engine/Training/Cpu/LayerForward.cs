using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// One dense layer and its activation: <c>y[b, o] = f(bias[o] + sum_i x[b, i] * wT[i, o])</c> with <c>x</c> of shape
/// <c>[B, in]</c>, the transposed weight <c>wT</c> of shape <c>[in, out]</c>, <c>bias</c> of <c>[out]</c> and
/// <c>y</c> of <c>[B, out]</c>, all row-major, and <c>f</c> from <see cref="FastActivation"/> (identity for the
/// output layer). The vector path blocks four samples by 32 or 16 outputs (Vector512, <see cref="LayerForwardWide"/>)
/// or sixteen outputs (Vector256) so each weight vector is loaded once per group of four samples, and applies
/// <c>f</c> in registers before the one store.
/// </summary>
internal static unsafe class LayerForward
{
    /// <summary>The portable path: one accumulator per output, summed over <c>i</c> in order.</summary>
    public static void Scalar(int batch, int inW, int outW, float* wT, float* bias, float* x, float* y, Activation activation)
    {
        for (int b = 0; b < batch; b++)
        {
            float* xb = x + (b * inW);
            for (int o = 0; o < outW; o++)
            {
                float s = 0f;
                for (int i = 0; i < inW; i++)
                {
                    s += xb[i] * wT[(i * outW) + o];
                }

                y[(b * outW) + o] = FastActivation.Apply(activation, bias[o] + s);
            }
        }
    }

    /// <summary>The vector path (needs <see cref="SimdSupport.Vector"/>; Vector512 tiles where
    /// <see cref="SimdSupport.Wide"/>).</summary>
    public static void Vector(int batch, int inW, int outW, float* wT, float* bias, float* x, float* y, Activation activation)
    {
        int b = 0;
        for (; b + 4 <= batch; b += 4)
        {
            float* xb = x + (b * inW), yb = y + (b * outW);
            int j = 0;
            if (SimdSupport.Wide)
            {
                for (; j + 32 <= outW; j += 32)
                {
                    LayerForwardWide.Rows4x32(inW, outW, wT + j, bias + j, xb, yb + j, activation);
                }

                for (; j + 16 <= outW; j += 16)
                {
                    LayerForwardWide.Rows4x16(inW, outW, wT + j, bias + j, xb, yb + j, activation);
                }

                if (outW == 2 && inW % 8 == 0)
                {
                    LayerForwardWide.Rows4Outputs2(inW, wT, bias, xb, yb, activation);
                    continue;
                }
            }

            for (; j + 16 <= outW; j += 16)
            {
                Rows4x16(inW, outW, wT + j, bias + j, xb, yb + j, activation);
            }

            for (; j < outW; j += 8)
            {
                Rows4x8(inW, outW, wT + j, bias + j, xb, yb + j, Math.Min(8, outW - j), activation);
            }
        }

        for (; b < batch; b++)
        {
            for (int j = 0; j < outW; j += 8)
            {
                Row1x8(inW, outW, wT + j, bias + j, x + (b * inW), y + (b * outW) + j, Math.Min(8, outW - j), activation);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // its own inlining budget for the activation epilogues
    private static void Rows4x16(int inW, int outW, float* w, float* bias, float* x, float* y, Activation activation)
    {
        Vector256<float> bias0 = Avx.LoadVector256(bias), bias1 = Avx.LoadVector256(bias + 8);
        Vector256<float> a00 = bias0, a01 = bias1, a10 = bias0, a11 = bias1;
        Vector256<float> a20 = bias0, a21 = bias1, a30 = bias0, a31 = bias1;
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        for (int i = 0; i < inW; i++, w += outW)
        {
            Vector256<float> w0 = Avx.LoadVector256(w), w1 = Avx.LoadVector256(w + 8);
            Vector256<float> s = Vector256.Create(x[i]);
            a00 = Fma.MultiplyAdd(s, w0, a00);
            a01 = Fma.MultiplyAdd(s, w1, a01);
            s = Vector256.Create(x1[i]);
            a10 = Fma.MultiplyAdd(s, w0, a10);
            a11 = Fma.MultiplyAdd(s, w1, a11);
            s = Vector256.Create(x2[i]);
            a20 = Fma.MultiplyAdd(s, w0, a20);
            a21 = Fma.MultiplyAdd(s, w1, a21);
            s = Vector256.Create(x3[i]);
            a30 = Fma.MultiplyAdd(s, w0, a30);
            a31 = Fma.MultiplyAdd(s, w1, a31);
        }

        Avx.Store(y, FastActivation.Apply(activation, a00));
        Avx.Store(y + 8, FastActivation.Apply(activation, a01));
        y += outW;
        Avx.Store(y, FastActivation.Apply(activation, a10));
        Avx.Store(y + 8, FastActivation.Apply(activation, a11));
        y += outW;
        Avx.Store(y, FastActivation.Apply(activation, a20));
        Avx.Store(y + 8, FastActivation.Apply(activation, a21));
        y += outW;
        Avx.Store(y, FastActivation.Apply(activation, a30));
        Avx.Store(y + 8, FastActivation.Apply(activation, a31));
    }

    /// <summary>Four samples by <paramref name="lanes"/> (1..8) outputs; even and odd inputs use separate
    /// accumulators (eight dependency chains), added at the end.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // its own inlining budget for the activation epilogues
    private static void Rows4x8(int inW, int outW, float* w, float* bias, float* x, float* y, int lanes, Activation activation)
    {
        Vector256<float> mask = SimdSupport.LeadingMask(lanes);
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        Vector256<float> c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        int i = 0;
        for (; i + 2 <= inW; i += 2, w += 2 * outW)
        {
            Vector256<float> w0 = Avx.MaskLoad(w, mask), w1 = Avx.MaskLoad(w + outW, mask);
            a0 = Fma.MultiplyAdd(Vector256.Create(x[i]), w0, a0);
            a1 = Fma.MultiplyAdd(Vector256.Create(x1[i]), w0, a1);
            a2 = Fma.MultiplyAdd(Vector256.Create(x2[i]), w0, a2);
            a3 = Fma.MultiplyAdd(Vector256.Create(x3[i]), w0, a3);
            c0 = Fma.MultiplyAdd(Vector256.Create(x[i + 1]), w1, c0);
            c1 = Fma.MultiplyAdd(Vector256.Create(x1[i + 1]), w1, c1);
            c2 = Fma.MultiplyAdd(Vector256.Create(x2[i + 1]), w1, c2);
            c3 = Fma.MultiplyAdd(Vector256.Create(x3[i + 1]), w1, c3);
        }

        if (i < inW)
        {
            Vector256<float> w0 = Avx.MaskLoad(w, mask);
            a0 = Fma.MultiplyAdd(Vector256.Create(x[i]), w0, a0);
            a1 = Fma.MultiplyAdd(Vector256.Create(x1[i]), w0, a1);
            a2 = Fma.MultiplyAdd(Vector256.Create(x2[i]), w0, a2);
            a3 = Fma.MultiplyAdd(Vector256.Create(x3[i]), w0, a3);
        }

        Vector256<float> bv = Avx.MaskLoad(bias, mask);
        Avx.MaskStore(y, mask, FastActivation.Apply(activation, bv + (a0 + c0)));
        Avx.MaskStore(y + outW, mask, FastActivation.Apply(activation, bv + (a1 + c1)));
        Avx.MaskStore(y + (2 * outW), mask, FastActivation.Apply(activation, bv + (a2 + c2)));
        Avx.MaskStore(y + (3 * outW), mask, FastActivation.Apply(activation, bv + (a3 + c3)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // its own inlining budget for the activation epilogues
    private static void Row1x8(int inW, int outW, float* w, float* bias, float* x, float* y, int lanes, Activation activation)
    {
        Vector256<float> mask = SimdSupport.LeadingMask(lanes);
        Vector256<float> a = Avx.MaskLoad(bias, mask);
        for (int i = 0; i < inW; i++, w += outW)
        {
            a = Fma.MultiplyAdd(Vector256.Create(x[i]), Avx.MaskLoad(w, mask), a);
        }

        Avx.MaskStore(y, mask, FastActivation.Apply(activation, a));
    }
}
