using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// The Vector512 input-gradient tiles (need <see cref="SimdSupport.Wide"/>): for layers with one or two outputs no
/// gather and no horizontal reduction, every lane holds a different result; for widths that are a multiple of eight,
/// two samples' partial sums side by side.
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

    /// <summary>
    /// <see cref="LayerInputGradient"/>'s four rows of <c>wT</c> against two samples of <c>dy</c>, for <c>out</c> a multiple
    /// of eight, in half the fused multiply-adds: row <c>r</c>'s eight partial sums for sample <c>b</c> sit in lanes 0..7
    /// of one Vector512 and those for sample <c>b + 1</c> in lanes 8..15, each lane taking the same chain as in the
    /// Vector256 tile; the reduction is that tile's <see cref="SimdSupport.Sum8(Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float})"/>,
    /// its pairwise adds done on both samples at once. Lanes 0..3 of the result are <c>dx[b, i..i+4]</c> (before
    /// <c>f'</c>), lanes 4..7 <c>dx[b + 1, i..i+4]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Rows4Samples2(int outW, float* w, float* d)
    {
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        float* w1 = w + outW, w2 = w1 + outW, w3 = w2 + outW, e = d + outW;
        for (int j = 0; j < outW; j += 8)
        {
            Vector512<float> dv = Avx512F.InsertVector256(Vector256.Load(d + j).ToVector512Unsafe(), Vector256.Load(e + j), 1);
            a0 = Vector512.FusedMultiplyAdd(Twice(w + j), dv, a0);
            a1 = Vector512.FusedMultiplyAdd(Twice(w1 + j), dv, a1);
            a2 = Vector512.FusedMultiplyAdd(Twice(w2 + j), dv, a2);
            a3 = Vector512.FusedMultiplyAdd(Twice(w3 + j), dv, a3);
        }

        // Quarters of q: the 128-bit halves of Sum8's lo (sample b) then of its hi (sample b + 1); the result adds
        // the halves of each, as Sum8's two 128-bit lane permutes and one add do.
        Vector512<float> q = PairwiseAdd(PairwiseAdd(a0, a1), PairwiseAdd(a2, a3));
        q = Avx512F.Shuffle4x128(q, q, 0b11_01_10_00);
        return q.GetLower() + q.GetUpper();
    }

    /// <summary>The eight floats at <paramref name="p"/> in both halves (one broadcast load).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Twice(float* p) => Avx512F.BroadcastVector256ToVector512((double*)p).AsSingle();

    /// <summary>AVX's <c>vhaddps</c> on each 256-bit half: per 128-bit lane <c>[x0 + x1, x2 + x3, y0 + y1, y2 + y3]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> PairwiseAdd(Vector512<float> x, Vector512<float> y) =>
        Avx512F.Shuffle(x, y, 0b10_00_10_00) + Avx512F.Shuffle(x, y, 0b11_01_11_01);
}
