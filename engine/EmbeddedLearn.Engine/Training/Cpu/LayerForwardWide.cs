using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// The Vector512 register tiles of <see cref="LayerForward"/> (needs <see cref="SimdSupport.Wide"/>): four samples
/// by 32 or 16 outputs held in registers, started from the bias, one FMA per weight vector and sample for every
/// input, the activation applied in registers, one store per vector. <c>y = f(bias + x wT)</c> with shapes as in
/// <see cref="LayerForward"/>.
/// </summary>
internal static unsafe class LayerForwardWide
{
    /// <summary>Samples <c>b..b+4</c> by outputs <c>j..j+32</c> (pointers already offset to them).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // its own inlining budget, so the eight epilogues inline
    public static void Rows4x32(int inW, int outW, float* w, float* bias, float* x, float* y, Activation activation)
    {
        Vector512<float> bias0 = Vector512.Load(bias), bias1 = Vector512.Load(bias + 16);
        Vector512<float> a00 = bias0, a01 = bias1, a10 = bias0, a11 = bias1;
        Vector512<float> a20 = bias0, a21 = bias1, a30 = bias0, a31 = bias1;
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        for (int i = 0; i < inW; i++, w += outW)
        {
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

    /// <summary>Samples <c>b..b+4</c> by outputs <c>j..j+16</c>; even and odd inputs use separate accumulators
    /// (eight dependency chains), added at the end.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Rows4x16(int inW, int outW, float* w, float* bias, float* x, float* y, Activation activation)
    {
        Vector512<float> bv = Vector512.Load(bias);
        Vector512<float> a0 = bv, a1 = bv, a2 = bv, a3 = bv;
        Vector512<float> c0 = Vector512<float>.Zero, c1 = c0, c2 = c0, c3 = c0;
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        int i = 0;
        for (; i + 2 <= inW; i += 2, w += 2 * outW)
        {
            Vector512<float> w0 = Vector512.Load(w), w1 = Vector512.Load(w + outW);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(x[i]), w0, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(x1[i]), w0, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(x2[i]), w0, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(x3[i]), w0, a3);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(x[i + 1]), w1, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(x1[i + 1]), w1, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(x2[i + 1]), w1, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(x3[i + 1]), w1, c3);
        }

        if (i < inW)
        {
            Vector512<float> w0 = Vector512.Load(w);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(x[i]), w0, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(x1[i]), w0, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(x2[i]), w0, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(x3[i]), w0, a3);
        }

        FastActivation.Apply(activation, a0 + c0).Store(y);
        FastActivation.Apply(activation, a1 + c1).Store(y + outW);
        FastActivation.Apply(activation, a2 + c2).Store(y + (2 * outW));
        FastActivation.Apply(activation, a3 + c3).Store(y + (3 * outW));
    }

    /// <summary>
    /// Samples <c>b..b+4</c> of a layer with two outputs and <c>in</c> a multiple of 8, without idle lanes: per
    /// sample, sixteen lanes hold eight inputs by two outputs (<c>x[b, i]</c> repeated twice by one permute, times
    /// eight rows of <c>wT</c> loaded flat); after the loop one reduction tree (no horizontal adds) folds the four
    /// samples' eight partial sums into the eight outputs <c>y[b..b+4, 0..2]</c>, which are contiguous.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Rows4Outputs2(int inW, float* w, float* bias, float* x, float* y, Activation activation)
    {
        Vector512<int> repeat = Vector512.Create(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        for (int i = 0; i < inW; i += 8)
        {
            Vector512<float> wv = Vector512.Load(w + (2 * i));
            a0 = Vector512.FusedMultiplyAdd(Vector512.Shuffle(Vector256.Load(x + i).ToVector512Unsafe(), repeat), wv, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Shuffle(Vector256.Load(x1 + i).ToVector512Unsafe(), repeat), wv, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Shuffle(Vector256.Load(x2 + i).ToVector512Unsafe(), repeat), wv, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Shuffle(Vector256.Load(x3 + i).ToVector512Unsafe(), repeat), wv, a3);
        }

        // Four pairs per sample, then two per sample (sample b in 128-bit lane b % 2), then one pair per sample.
        Vector256<float> h0 = a0.GetLower() + a0.GetUpper(), h1 = a1.GetLower() + a1.GetUpper();
        Vector256<float> h2 = a2.GetLower() + a2.GetUpper(), h3 = a3.GetLower() + a3.GetUpper();
        Vector256<double> u01 = (Avx.Permute2x128(h0, h1, 0x20) + Avx.Permute2x128(h0, h1, 0x31)).AsDouble();
        Vector256<double> u23 = (Avx.Permute2x128(h2, h3, 0x20) + Avx.Permute2x128(h2, h3, 0x31)).AsDouble();
        Vector256<float> v = Avx.UnpackLow(u01, u23).AsSingle() + Avx.UnpackHigh(u01, u23).AsSingle();
        v = Avx2.Permute4x64(v.AsDouble(), 0b11_01_10_00).AsSingle() + Vector256.Create(*(double*)bias).AsSingle();
        FastActivation.Apply(activation, v).Store(y);
    }
}
