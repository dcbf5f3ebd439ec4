using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// One dense layer and its activation: <c>y[b, o] = f(bias[o] + sum_i x[b, i] * wT[i, o])</c> with <c>x</c> of shape
/// <c>[B, in]</c>, the transposed weight <c>wT</c> of shape <c>[in, out]</c>, <c>bias</c> of <c>[out]</c> and
/// <c>y</c> of <c>[B, out]</c>, all row-major, and <c>f</c> from <see cref="FastActivation"/> (identity for the
/// output layer).
/// </summary>
/// <remarks>
/// Layers of one or two outputs take <see cref="LayerForwardNarrow"/>. For the others, the canonical order, the same
/// on every path: one accumulator per output, started from <c>bias[o]</c>, then
/// <c>acc = fma(x[b, i], wT[i, o], acc)</c> for <c>i = 0, 1, ...</c>, then <c>f(acc)</c>. The vector paths hold
/// different outputs in different lanes, so the vector width never changes what a lane computes: four samples by 32
/// or 16 outputs (Vector512, <see cref="LayerForwardWide"/>), by sixteen or eight outputs (Vector256), by eight or
/// four outputs (Vector128), each weight vector loaded once per group of four samples and <c>f</c> applied in
/// registers before the one store.
/// </remarks>
internal static unsafe partial class LayerForward
{
    /// <summary>Runs the layer on <paramref name="path"/> (already limited to this machine's). With
    /// <paramref name="ahead"/> not 0 it also asks for the cache lines <paramref name="ahead"/> floats past this layer's
    /// weights and bias (the next entity's, about to be read): row by row where the tiles of sixteen outputs run
    /// (Vector512 and Vector256), so that the requests are spread over the work, otherwise all at once before it.</summary>
    public static void Run(KernelPath path, int batch, int inW, int outW, float* wT, float* bias, float* x, float* y,
        Activation activation, int ahead = 0)
    {
        bool tiles = path >= KernelPath.Vector256 && outW > 2 && outW % 16 == 0 && batch >= 4;
        if (ahead != 0)
        {
            CachePrefetch.Lines(new ReadOnlySpan<float>(bias + ahead, outW));
            if (!tiles)
            {
                CachePrefetch.Lines(new ReadOnlySpan<float>(wT + ahead, inW * outW));
            }
        }

        if (outW <= 2)
        {
            LayerForwardNarrow.Run(path, batch, inW, outW, wT, bias, x, y, activation);
            return;
        }

        switch (path)
        {
            case KernelPath.Vector512:
            case KernelPath.Vector256:
                Vector(path == KernelPath.Vector512, batch, inW, outW, wT, bias, x, y, activation, tiles ? ahead : 0);
                break;
            case KernelPath.Vector128:
                Portable(batch, inW, outW, wT, bias, x, y, activation);
                break;
            default:
                Scalar(0, batch, 0, outW, inW, outW, wT, bias, x, y, activation);
                break;
        }
    }

    /// <summary>The reference for three outputs or more: samples <c>b0..b1</c> by outputs <c>o0..o1</c>, each a plain
    /// fma chain. Never inlined: the tiles call it as their rare fallback, and inlined its locals would crowd theirs out of
    /// the registers.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Scalar(int b0, int b1, int o0, int o1, int inW, int outW, float* wT, float* bias, float* x, float* y,
        Activation activation)
    {
        for (int b = b0; b < b1; b++)
        {
            float* xb = x + (b * inW);
            for (int o = o0; o < o1; o++)
            {
                float s = bias[o];
                for (int i = 0; i < inW; i++)
                {
                    s = ExactMath.Fma(xb[i], wT[(i * outW) + o], s);
                }

                y[(b * outW) + o] = FastActivation.Apply(activation, s);
            }
        }
    }

    /// <summary>The x86-64 path (needs <see cref="SimdSupport.Vector"/>; Vector512 tiles when <paramref name="wide"/>,
    /// which needs <see cref="SimdSupport.Wide"/>).</summary>
    private static void Vector(bool wide, int batch, int inW, int outW, float* wT, float* bias, float* x, float* y, Activation activation,
        int ahead)
    {
        int b = 0;
        for (; b + 4 <= batch; b += 4)
        {
            float* xb = x + (b * inW), yb = y + (b * outW);
            int j = 0;
            int prefetch = b == 0 ? ahead : 0; // the first group of samples reads every weight row
            if (wide)
            {
                for (; j + 32 <= outW; j += 32)
                {
                    LayerForwardWide.Rows4x32(inW, outW, wT + j, bias + j, xb, yb + j, activation, prefetch);
                }

                for (; j + 16 <= outW; j += 16)
                {
                    LayerForwardWide.Rows4x16(inW, outW, wT + j, bias + j, xb, yb + j, activation, prefetch);
                }
            }

            for (; j + 16 <= outW; j += 16)
            {
                Rows4x16(inW, outW, wT + j, bias + j, xb, yb + j, activation, prefetch);
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

    /// <summary>Samples <c>b..b+4</c> by outputs <c>j..j+16</c>; with <paramref name="ahead"/> not 0 each weight row also
    /// asks for the line <paramref name="ahead"/> floats on.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // its own inlining budget for the activation epilogues
    private static void Rows4x16(int inW, int outW, float* w, float* bias, float* x, float* y, Activation activation, int ahead)
    {
        Vector256<float> bias0 = Avx.LoadVector256(bias), bias1 = Avx.LoadVector256(bias + 8);
        Vector256<float> a00 = bias0, a01 = bias1, a10 = bias0, a11 = bias1;
        Vector256<float> a20 = bias0, a21 = bias1, a30 = bias0, a31 = bias1;
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        for (int i = 0; i < inW; i++, w += outW)
        {
            if (ahead != 0)
            {
                CachePrefetch.Line(w + ahead);
            }

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

    /// <summary>Four samples by <paramref name="lanes"/> (1..8) outputs, masked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // its own inlining budget for the activation epilogues
    private static void Rows4x8(int inW, int outW, float* w, float* bias, float* x, float* y, int lanes, Activation activation)
    {
        Vector256<float> mask = SimdSupport.LeadingMask(lanes);
        Vector256<float> bv = Avx.MaskLoad(bias, mask);
        Vector256<float> a0 = bv, a1 = bv, a2 = bv, a3 = bv;
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        for (int i = 0; i < inW; i++, w += outW)
        {
            Vector256<float> w0 = Avx.MaskLoad(w, mask);
            a0 = Fma.MultiplyAdd(Vector256.Create(x[i]), w0, a0);
            a1 = Fma.MultiplyAdd(Vector256.Create(x1[i]), w0, a1);
            a2 = Fma.MultiplyAdd(Vector256.Create(x2[i]), w0, a2);
            a3 = Fma.MultiplyAdd(Vector256.Create(x3[i]), w0, a3);
        }

        SimdSupport.StoreLeading(y, mask, lanes, FastActivation.Apply(activation, a0));
        SimdSupport.StoreLeading(y + outW, mask, lanes, FastActivation.Apply(activation, a1));
        SimdSupport.StoreLeading(y + (2 * outW), mask, lanes, FastActivation.Apply(activation, a2));
        SimdSupport.StoreLeading(y + (3 * outW), mask, lanes, FastActivation.Apply(activation, a3));
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

        SimdSupport.StoreLeading(y, mask, lanes, FastActivation.Apply(activation, a));
    }

}
