using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// The portable Vector128 path (ARM64, x86-64 without AVX2) for layers narrower than four outputs (a value head, a
/// steering pair), which the four-column tiles of <see cref="LayerWeightGradient"/> and the eight-wide dot products of
/// <see cref="LayerInputGradient"/> do not cover: four rows <c>i..i+4</c> in the lanes, so the chains need no shuffle.
/// Each lane does the operations of the reference, in its order; rows past the last four take the reference itself.
/// </summary>
internal static unsafe class LayerGradientNarrowPortable
{
    /// <summary><c>gW[i, o] += sum_b x[b, i] dy[b, o]</c> for one or two outputs (<see cref="LayerWeightGradient"/>'s
    /// order: <c>s = x[0, i] dy[0, o]</c>, then a fused multiply-add per sample, then added to the stored value or to
    /// +0), each output's sums in its own register and interleaved into the <c>[in, out]</c> layout for the stores.
    /// The bias gradient is the caller's. Returns the first row left to the reference (rows past the last four, or from
    /// a block whose emulated multiply-adds met a rare lane, see <see cref="RareLanes"/>).</summary>
    public static int WeightGradient<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* g)
        where TWrite : struct, IGradientWrite
    {
        int rows = inW & ~3;
        for (int i = 0; i < rows; i += 4)
        {
            float* xb = x + i, d = dy;
            Vector128<float> xv = Vector128.Load(xb);
            Vector128<float> s0 = xv * Vector128.Create(d[0]);
            Vector128<float> s1 = outW == 2 ? xv * Vector128.Create(d[1]) : default;
            RareLanes rare = RareLanes.None;
            for (int b = 1; b < batch; b++)
            {
                xb += inW;
                d += outW;
                xv = Vector128.Load(xb);
                s0 = ExactMath.Fma(xv, Vector128.Create(d[0]), s0, ref rare);
                if (outW == 2)
                {
                    s1 = ExactMath.Fma(xv, Vector128.Create(d[1]), s1, ref rare);
                }
            }

            if (ExactMath.AnyRare(rare))
            {
                return i; // an emulated multiply-add met a rare lane: these rows on, in the reference form
            }

            float* gi = g + (i * outW);
            if (outW == 1)
            {
                (LayerWeightGradient.Base128<TWrite>(gi) + s0).Store(gi);
                continue;
            }

            (LayerWeightGradient.Base128<TWrite>(gi) + ZipLow(s0, s1)).Store(gi);
            (LayerWeightGradient.Base128<TWrite>(gi + 4) + ZipHigh(s0, s1)).Store(gi + 4);
        }

        return rows;
    }

    /// <summary><c>dx[b, i] = f'(y[b, i]) sum_o wT[i, o] dy[b, o]</c> for fewer than eight outputs, in
    /// <see cref="LayerInputGradient"/>'s one-chain order (<c>s = wT[i, 0] dy[b, 0]</c>, then a fused multiply-add per
    /// output): the four rows' columns of <c>wT</c> are taken once (by a de-interleave for two outputs) and serve every
    /// sample. Returns the first row left to the reference (rows past the last four, or from a block whose emulated
    /// multiply-adds met a rare lane, see <see cref="RareLanes"/>).</summary>
    public static int InputGradient(int batch, int inW, int outW, float* wT, float* dy, float* dx, float* y, Activation activation)
    {
        Vector128<float>* columns = stackalloc Vector128<float>[8];
        int rows = inW & ~3;
        for (int i = 0; i < rows; i += 4)
        {
            float* w = wT + (i * outW);
            Vector128<float> c0, c1 = default;
            if (outW == 1)
            {
                c0 = Vector128.Load(w);
            }
            else if (outW == 2)
            {
                (c0, c1) = Deinterleave(Vector128.Load(w), Vector128.Load(w + 4));
            }
            else
            {
                for (int o = 0; o < outW; o++)
                {
                    columns[o] = Vector128.Create(w[o], w[outW + o], w[(2 * outW) + o], w[(3 * outW) + o]);
                }

                c0 = columns[0];
            }

            float* db = dy, d = dx + i, yb = y + i;
            RareLanes rare = RareLanes.None;
            for (int b = 0; b < batch; b++, db += outW, d += inW, yb += inW)
            {
                Vector128<float> s = c0 * Vector128.Create(db[0]);
                if (outW == 2)
                {
                    s = ExactMath.Fma(c1, Vector128.Create(db[1]), s, ref rare);
                }
                else
                {
                    for (int o = 1; o < outW; o++)
                    {
                        s = ExactMath.Fma(columns[o], Vector128.Create(db[o]), s, ref rare);
                    }
                }

                ActivationKernels.Backward(activation, Vector128.Load(yb), s).Store(d);
            }

            if (ExactMath.AnyRare(rare))
            {
                return i; // an emulated multiply-add met a rare lane: these rows on (every sample) in the reference form
            }
        }

        return rows;
    }

    /// <summary>The two columns of four rows of a two-wide <c>wT</c> (<c>(c0, c1)</c> pairs in <paramref name="a"/>, then
    /// <paramref name="b"/>): <c>[a0, a2, b0, b2]</c> and <c>[a1, a3, b1, b3]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Even, Vector128<float> Odd) Deinterleave(Vector128<float> a, Vector128<float> b) =>
        AdvSimd.Arm64.IsSupported ? (AdvSimd.Arm64.UnzipEven(a, b), AdvSimd.Arm64.UnzipOdd(a, b))
        : Sse.IsSupported ? (Sse.Shuffle(a, b, 0b10_00_10_00), Sse.Shuffle(a, b, 0b11_01_11_01))
        : (Vector128.Create(a.GetElement(0), a.GetElement(2), b.GetElement(0), b.GetElement(2)),
            Vector128.Create(a.GetElement(1), a.GetElement(3), b.GetElement(1), b.GetElement(3)));

    /// <summary><c>[a0, b0, a1, b1]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ZipLow(Vector128<float> a, Vector128<float> b) =>
        AdvSimd.Arm64.IsSupported ? AdvSimd.Arm64.ZipLow(a, b)
        : Sse.IsSupported ? Sse.UnpackLow(a, b)
        : Vector128.Create(a.GetElement(0), b.GetElement(0), a.GetElement(1), b.GetElement(1));

    /// <summary><c>[a2, b2, a3, b3]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ZipHigh(Vector128<float> a, Vector128<float> b) =>
        AdvSimd.Arm64.IsSupported ? AdvSimd.Arm64.ZipHigh(a, b)
        : Sse.IsSupported ? Sse.UnpackHigh(a, b)
        : Vector128.Create(a.GetElement(2), b.GetElement(2), a.GetElement(3), b.GetElement(3));
}
