using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// <see cref="LayerForward"/> for layers of one or two outputs (a value head, a steering pair), where one chain per
/// output would leave the FMA units waiting on its latency: eight partial sums per output instead.
/// </summary>
/// <remarks>
/// The canonical order, the same on every path: with <c>n8 = in - in mod 8</c>, partial sums <c>p_k</c>
/// (<c>k = 0..7</c>) from +0 take <c>p_k = fma(x[b, i], wT[i, o], p_k)</c> for <c>i = k, k + 8, ... &lt; n8</c>;
/// <c>s = ((p0 + p4) + (p2 + p6)) + ((p1 + p5) + (p3 + p7))</c> (halving: what adding a register's upper half to its
/// lower half gives, at every width); then <c>s = fma(x[b, i], wT[i, o], s)</c> for <c>i = n8 .. in - 1</c>; then
/// <c>y[b, o] = f(bias[o] + s)</c>. Lanes hold <c>(k, o)</c>: eight rows of <c>wT</c> are <c>8 out</c> contiguous
/// floats, and <c>x[b, i..i+8]</c> is loaded once with each lane repeated <c>out</c> times by a shuffle. Vector512
/// holds a sample's sixteen <c>(k, o)</c> in one register, Vector256 in two, Vector128 in four.
/// </remarks>
internal static unsafe class LayerForwardNarrow
{
    /// <summary>Runs the layer (<c>out</c> of 1 or 2) on <paramref name="path"/> (already limited to this machine's).</summary>
    public static void Run(KernelPath path, int batch, int inW, int outW, float* wT, float* bias, float* x, float* y, Activation activation)
    {
        float* s = stackalloc float[8];
        int n8 = inW & ~7;
        int b = 0;
        if (path >= KernelPath.Vector256 && outW == 2)
        {
            Vector256<float> biasPairs = Vector256.Create(*(double*)bias).AsSingle();
            for (; b + 4 <= batch; b += 4)
            {
                Vector256<float> v = path == KernelPath.Vector512
                    ? Rows4Outputs2(n8, inW, wT, x + (b * inW))
                    : Rows4Outputs2Avx2(n8, inW, wT, x + (b * inW));
                if (n8 == inW)
                {
                    // No tail: the bias and the activation in the register, in the same order as Finish.
                    FastActivation.Apply(activation, biasPairs + v).Store(y + (2 * b));
                    continue;
                }

                v.Store(s);
                for (int k = 0; k < 8; k++)
                {
                    y[(2 * b) + k] = Finish(inW, 2, n8, s[k], k & 1, wT, bias, x + ((b + (k >> 1)) * inW), activation);
                }
            }
        }

        for (; b < batch; b++)
        {
            float* xb = x + (b * inW);
            switch (path)
            {
                case KernelPath.Vector512:
                case KernelPath.Vector256:
                    Row256(n8, inW, outW, wT, xb, s);
                    break;
                case KernelPath.Vector128:
                    Row128(n8, inW, outW, wT, xb, s);
                    break;
                default:
                    RowScalar(n8, outW, wT, xb, s);
                    break;
            }

            for (int o = 0; o < outW; o++)
            {
                y[(b * outW) + o] = Finish(inW, outW, n8, s[o], o, wT, bias, xb, activation);
            }
        }
    }

    /// <summary>The reference: <c>s[o]</c> (the tree of the eight partial sums) for one sample. Never inlined:
    /// <see cref="Row128"/> calls it as its rare fallback.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RowScalar(int n8, int outW, float* wT, float* x, float* s)
    {
        float* p = stackalloc float[8];
        for (int o = 0; o < outW; o++)
        {
            for (int k = 0; k < 8; k++)
            {
                p[k] = 0f;
            }

            for (int i = 0; i < n8; i++)
            {
                p[i & 7] = ExactMath.Fma(x[i], wT[(i * outW) + o], p[i & 7]);
            }

            s[o] = ((p[0] + p[4]) + (p[2] + p[6])) + ((p[1] + p[5]) + (p[3] + p[7]));
        }
    }

    /// <summary>One sample in Vector128s: four registers of <c>(k, o)</c> for two outputs, two of <c>k</c> for one;
    /// where an emulated multiply-add met a rare lane (<see cref="RareLanes"/>), the sample again in the reference
    /// form.</summary>
    private static void Row128(int n8, int inW, int outW, float* wT, float* x, float* s)
    {
        RareLanes rare = RareLanes.None;
        if (outW == 1)
        {
            Vector128<float> lo = Vector128<float>.Zero, hi = lo;
            for (int i = 0; i < n8; i += 8)
            {
                lo = ExactMath.Fma(Vector128.Load(x + i), Vector128.Load(wT + i), lo, ref rare);
                hi = ExactMath.Fma(Vector128.Load(x + i + 4), Vector128.Load(wT + i + 4), hi, ref rare);
            }

            if (ExactMath.AnyRare(rare))
            {
                RowScalar(n8, outW, wT, x, s);
                return;
            }

            Vector128<float> t = lo + hi; // t_k = p_k + p_(k+4)
            Vector128<float> u = t + Vector128.Shuffle(t, Vector128.Create(2, 3, 0, 1)); // u_0, u_1 in lanes 0, 1
            s[0] = u.ToScalar() + u.GetElement(1);
            return;
        }

        Vector128<float> q0 = Vector128<float>.Zero, q1 = q0, q2 = q0, q3 = q0;
        for (int i = 0; i < n8; i += 8)
        {
            Vector128<float> x0 = Vector128.Load(x + i), x1 = Vector128.Load(x + i + 4);
            float* w = wT + (2 * i);
            q0 = ExactMath.Fma(Vector128.Shuffle(x0, Vector128.Create(0, 0, 1, 1)), Vector128.Load(w), q0, ref rare);
            q1 = ExactMath.Fma(Vector128.Shuffle(x0, Vector128.Create(2, 2, 3, 3)), Vector128.Load(w + 4), q1, ref rare);
            q2 = ExactMath.Fma(Vector128.Shuffle(x1, Vector128.Create(0, 0, 1, 1)), Vector128.Load(w + 8), q2, ref rare);
            q3 = ExactMath.Fma(Vector128.Shuffle(x1, Vector128.Create(2, 2, 3, 3)), Vector128.Load(w + 12), q3, ref rare);
        }

        if (ExactMath.AnyRare(rare))
        {
            RowScalar(n8, outW, wT, x, s);
            return;
        }

        // (q0 + q2) holds t_0, t_1 and (q1 + q3) holds t_2, t_3, each as (o0, o1): their sum is u_0, u_1.
        Vector128<float> v = (q0 + q2) + (q1 + q3);
        v += Vector128.Shuffle(v, Vector128.Create(2, 3, 0, 1));
        s[0] = v.ToScalar();
        s[1] = v.GetElement(1);
    }

    /// <summary>One sample in Vector256s (needs AVX2): two registers of <c>(k, o)</c> for two outputs, one of <c>k</c>
    /// for one.</summary>
    private static void Row256(int n8, int inW, int outW, float* wT, float* x, float* s)
    {
        Vector128<float> u;
        if (outW == 1)
        {
            Vector256<float> a = Vector256<float>.Zero;
            for (int i = 0; i < n8; i += 8)
            {
                a = Vector256.FusedMultiplyAdd(Vector256.Load(x + i), Vector256.Load(wT + i), a);
            }

            Vector128<float> t = a.GetLower() + a.GetUpper();
            u = t + Vector128.Shuffle(t, Vector128.Create(2, 3, 0, 1));
            s[0] = u.ToScalar() + u.GetElement(1);
            return;
        }

        Vector256<float> lo = Vector256<float>.Zero, hi = lo;
        for (int i = 0; i < n8; i += 8)
        {
            Vector256<float> xv = Vector256.Load(x + i);
            lo = Vector256.FusedMultiplyAdd(Vector256.Shuffle(xv, Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3)), Vector256.Load(wT + (2 * i)), lo);
            hi = Vector256.FusedMultiplyAdd(Vector256.Shuffle(xv, Vector256.Create(4, 4, 5, 5, 6, 6, 7, 7)), Vector256.Load(wT + (2 * i) + 8), hi);
        }

        Vector256<float> h = lo + hi; // (t_0, t_1 | t_2, t_3) by o
        u = h.GetLower() + h.GetUpper(); // u_0, u_1 by o
        u += Vector128.Shuffle(u, Vector128.Create(2, 3, 0, 1));
        s[0] = u.ToScalar();
        s[1] = u.GetElement(1);
    }

    /// <summary>
    /// Samples <c>b..b+4</c> of a two-output layer in Vector512s: per sample, sixteen lanes hold the <c>(k, o)</c>
    /// partial sums (<c>x[b, i..i+8]</c> repeated twice by one permute, times eight rows of <c>wT</c> loaded flat, once
    /// for the four samples); then one reduction tree, halving, folds them into lane <c>2 b' + o</c> of the result.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<float> Rows4Outputs2(int n8, int inW, float* w, float* x)
    {
        Vector512<int> repeat = Vector512.Create(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        for (int i = 0; i < n8; i += 8)
        {
            Vector512<float> wv = Vector512.Load(w + (2 * i));
            a0 = Vector512.FusedMultiplyAdd(Vector512.Shuffle(Vector256.Load(x + i).ToVector512Unsafe(), repeat), wv, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Shuffle(Vector256.Load(x1 + i).ToVector512Unsafe(), repeat), wv, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Shuffle(Vector256.Load(x2 + i).ToVector512Unsafe(), repeat), wv, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Shuffle(Vector256.Load(x3 + i).ToVector512Unsafe(), repeat), wv, a3);
        }

        // t_k = p_k + p_(k+4): a register's halves added.
        return FoldSamples(a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper(), a2.GetLower() + a2.GetUpper(),
            a3.GetLower() + a3.GetUpper());
    }

    /// <summary>
    /// <see cref="Rows4Outputs2"/> in Vector256s (needs AVX2): per sample two registers of <c>(k, o)</c>, as
    /// <see cref="Row256"/> holds them, the eight rows of <c>wT</c> loaded once for the four samples; the same
    /// reduction tree folds them into lane <c>2 b' + o</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<float> Rows4Outputs2Avx2(int n8, int inW, float* w, float* x)
    {
        Vector256<int> low = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3), high = Vector256.Create(4, 4, 5, 5, 6, 6, 7, 7);
        Vector256<float> l0 = Vector256<float>.Zero, h0 = l0, l1 = l0, h1 = l0, l2 = l0, h2 = l0, l3 = l0, h3 = l0;
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        for (int i = 0; i < n8; i += 8)
        {
            Vector256<float> wl = Avx.LoadVector256(w + (2 * i)), wh = Avx.LoadVector256(w + (2 * i) + 8);
            Vector256<float> xv = Avx.LoadVector256(x + i);
            l0 = Fma.MultiplyAdd(Avx2.PermuteVar8x32(xv, low), wl, l0);
            h0 = Fma.MultiplyAdd(Avx2.PermuteVar8x32(xv, high), wh, h0);
            xv = Avx.LoadVector256(x1 + i);
            l1 = Fma.MultiplyAdd(Avx2.PermuteVar8x32(xv, low), wl, l1);
            h1 = Fma.MultiplyAdd(Avx2.PermuteVar8x32(xv, high), wh, h1);
            xv = Avx.LoadVector256(x2 + i);
            l2 = Fma.MultiplyAdd(Avx2.PermuteVar8x32(xv, low), wl, l2);
            h2 = Fma.MultiplyAdd(Avx2.PermuteVar8x32(xv, high), wh, h2);
            xv = Avx.LoadVector256(x3 + i);
            l3 = Fma.MultiplyAdd(Avx2.PermuteVar8x32(xv, low), wl, l3);
            h3 = Fma.MultiplyAdd(Avx2.PermuteVar8x32(xv, high), wh, h3);
        }

        return FoldSamples(l0 + h0, l1 + h1, l2 + h2, l3 + h3); // t_k = p_k + p_(k+4)
    }

    /// <summary>The rest of the reduction tree for four samples, from each sample's <c>(t_0, t_1 | t_2, t_3)</c> by
    /// output: <c>u_0 = t_0 + t_2</c>, <c>u_1 = t_1 + t_3</c> (sample <c>b</c> in 128-bit lane <c>b % 2</c>), then
    /// <c>u_0 + u_1</c>, into lane <c>2 b + o</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> FoldSamples(Vector256<float> t0, Vector256<float> t1, Vector256<float> t2, Vector256<float> t3)
    {
        Vector256<double> u01 = (Avx.Permute2x128(t0, t1, 0x20) + Avx.Permute2x128(t0, t1, 0x31)).AsDouble();
        Vector256<double> u23 = (Avx.Permute2x128(t2, t3, 0x20) + Avx.Permute2x128(t2, t3, 0x31)).AsDouble();
        Vector256<float> v = Avx.UnpackLow(u01, u23).AsSingle() + Avx.UnpackHigh(u01, u23).AsSingle();
        return Avx2.Permute4x64(v.AsDouble(), 0b11_01_10_00).AsSingle();
    }

    /// <summary>The tail inputs past <paramref name="n8"/>, the bias and the activation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(int inW, int outW, int n8, float s, int o, float* wT, float* bias, float* xb, Activation activation)
    {
        for (int i = n8; i < inW; i++)
        {
            s = ExactMath.Fma(xb[i], wT[(i * outW) + o], s);
        }

        return FastActivation.Apply(activation, bias[o] + s);
    }
}
