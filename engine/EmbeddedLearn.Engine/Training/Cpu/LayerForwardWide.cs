using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// The Vector512 register tiles of <see cref="LayerForward"/> (needs <see cref="SimdSupport.Wide"/>): four samples
/// by 32 or 16 outputs held in registers, started from the bias, one FMA per weight vector and sample for every
/// input in order (the canonical chain of <see cref="LayerForward"/>), the activation applied in registers, one store
/// per vector. <c>y = f(bias + x wT)</c> with shapes as in
/// <see cref="LayerForward"/>.
/// </summary>
internal static unsafe class LayerForwardWide
{
    /// <summary>Samples <c>b..b+4</c> by outputs <c>j..j+32</c> (pointers already offset to them); with
    /// <paramref name="ahead"/> not 0 each weight row also asks for the two lines <paramref name="ahead"/> floats on.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // its own inlining budget, so the eight epilogues inline
    public static void Rows4x32(int inW, int outW, float* w, float* bias, float* x, float* y, Activation activation, int ahead = 0)
    {
        Vector512<float> bias0 = Vector512.Load(bias), bias1 = Vector512.Load(bias + 16);
        Vector512<float> a00 = bias0, a01 = bias1, a10 = bias0, a11 = bias1;
        Vector512<float> a20 = bias0, a21 = bias1, a30 = bias0, a31 = bias1;
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        for (int i = 0; i < inW; i++, w += outW)
        {
            if (ahead != 0)
            {
                CachePrefetch.Line(w + ahead);
                CachePrefetch.Line(w + ahead + 16);
            }

            Vector512<float> w0 = Vector512.Load(w), w1 = Vector512.Load(w + 16);
            Vector512<float> s = Vector512.Create(x[i]);
            a00 = Vector512.FusedMultiplyAdd(s, w0, a00);
            a01 = Vector512.FusedMultiplyAdd(s, w1, a01);
            s = Vector512.Create(x1[i]);
            a10 = Vector512.FusedMultiplyAdd(s, w0, a10);
            a11 = Vector512.FusedMultiplyAdd(s, w1, a11);
            s = Vector512.Create(x2[i]);
            a20 = Vector512.FusedMultiplyAdd(s, w0, a20);
            a21 = Vector512.FusedMultiplyAdd(s, w1, a21);
            s = Vector512.Create(x3[i]);
            a30 = Vector512.FusedMultiplyAdd(s, w0, a30);
            a31 = Vector512.FusedMultiplyAdd(s, w1, a31);
        }

        FastActivation.Apply(activation, a00).Store(y);
        FastActivation.Apply(activation, a01).Store(y + 16);
        y += outW;
        FastActivation.Apply(activation, a10).Store(y);
        FastActivation.Apply(activation, a11).Store(y + 16);
        y += outW;
        FastActivation.Apply(activation, a20).Store(y);
        FastActivation.Apply(activation, a21).Store(y + 16);
        y += outW;
        FastActivation.Apply(activation, a30).Store(y);
        FastActivation.Apply(activation, a31).Store(y + 16);
    }

    /// <summary>Samples <c>b..b+4</c> by outputs <c>j..j+16</c>; <paramref name="ahead"/> as in <see cref="Rows4x32"/>,
    /// one line per row.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Rows4x16(int inW, int outW, float* w, float* bias, float* x, float* y, Activation activation, int ahead = 0)
    {
        Vector512<float> bv = Vector512.Load(bias);
        Vector512<float> a0 = bv, a1 = bv, a2 = bv, a3 = bv;
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        for (int i = 0; i < inW; i++, w += outW)
        {
            if (ahead != 0)
            {
                CachePrefetch.Line(w + ahead);
            }

            Vector512<float> w0 = Vector512.Load(w);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(x[i]), w0, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(x1[i]), w0, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(x2[i]), w0, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(x3[i]), w0, a3);
        }

        FastActivation.Apply(activation, a0).Store(y);
        FastActivation.Apply(activation, a1).Store(y + outW);
        FastActivation.Apply(activation, a2).Store(y + (2 * outW));
        FastActivation.Apply(activation, a3).Store(y + (3 * outW));
    }
}
