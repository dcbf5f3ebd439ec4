using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>The x86-64 path's kernels for outputs narrower than eight (<see cref="LayerInputGradient"/>): the columns
/// of <c>wT</c> held in registers, one chain per row in the one-chain order.</summary>
internal static unsafe partial class LayerInputGradient
{
    /// <summary>Outputs narrower than eight: takes eight rows of each column of <c>wT</c> (a row chunk of <c>W</c>) and,
    /// for every sample, forms <c>dx[b, i..i+8] = dy[b, 0] W[0, i..i+8]</c>, then adds <c>dy[b, o] W[o, i..i+8]</c> for
    /// <c>o = 1, 2, ...</c> by fused multiply-adds in registers (the one-chain order), stored once after <c>f'</c>.</summary>
    private static void Narrow<TAct>(int batch, int inW, int outW, float* wT, float* dy, float* dx, float* y)
        where TAct : struct, IHiddenActivation
    {
        Activation activation = TAct.Value;
        if (outW <= 2)
        {
            NarrowPair<TAct>(batch, inW, outW, wT, dy, dx, y);
            return;
        }

        Vector256<float>* columns = stackalloc Vector256<float>[8];
        for (int i = 0; i < inW; i += 8)
        {
            int rows = Math.Min(8, inW - i);
            Vector256<float> mask = SimdSupport.LeadingMask(rows);
            NarrowColumns(outW, mask, wT + (i * outW), columns);
            for (int b = 0; b < batch; b++)
            {
                float* db = dy + (b * outW);
                Vector256<float> s = Avx.Multiply(Vector256.Create(db[0]), columns[0]);
                for (int o = 1; o < outW; o++)
                {
                    s = Fma.MultiplyAdd(Vector256.Create(db[o]), columns[o], s);
                }

                float* d = dx + (b * inW) + i;
                float* yb = y + (b * inW) + i;
                SimdSupport.StoreLeading(d, mask, rows, ActivationKernels.Backward(activation, SimdSupport.LoadLeading(yb, mask, rows), s));
            }
        }
    }

    /// <summary><see cref="Narrow{TAct}"/> for one or two outputs, the columns held in registers: the chunks of eight
    /// rows first, loaded and stored whole, then the last rows (fewer than eight) under a mask.</summary>
    private static void NarrowPair<TAct>(int batch, int inW, int outW, float* wT, float* dy, float* dx, float* y)
        where TAct : struct, IHiddenActivation
    {
        int full = inW & ~7;
        for (int i = 0; i < full; i += 8)
        {
            PairChunk<TAct>(batch, inW, outW, wT, dy, dx, y, i, 8);
        }

        if (full < inW)
        {
            PairChunk<TAct>(batch, inW, outW, wT, dy, dx, y, full, inW - full);
        }
    }

    /// <summary><see cref="NarrowPair{TAct}"/>'s rows <paramref name="i"/> to <c>i + rows</c> (<paramref name="rows"/> 1
    /// to 8): each sample's row takes <c>dy[b, 0] c0</c>, then, for two outputs, one fused multiply-add. Inlined, so that
    /// for a whole chunk the row-count tests fold away (plain loads and stores, the columns de-interleaved rather than
    /// gathered).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairChunk<TAct>(int batch, int inW, int outW, float* wT, float* dy, float* dx, float* y, int i, int rows)
        where TAct : struct, IHiddenActivation
    {
        Vector256<float> mask = SimdSupport.LeadingMask(rows);
        float* w = wT + (i * outW);
        Vector256<float> c0, c1 = default;
        if (outW == 1)
        {
            c0 = SimdSupport.LoadLeading(w, mask, rows);
        }
        else if (rows == 8)
        {
            (c0, c1) = Deinterleave(w);
        }
        else
        {
            Vector256<int> rowStep = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
            c0 = Avx2.GatherMaskVector256(Vector256<float>.Zero, w, rowStep, mask, 4);
            c1 = Avx2.GatherMaskVector256(Vector256<float>.Zero, w + 1, rowStep, mask, 4);
        }

        float* db = dy, d = dx + i, yb = y + i;
        for (int b = 0; b < batch; b++, db += outW, d += inW, yb += inW)
        {
            Vector256<float> s = Avx.Multiply(Vector256.Create(db[0]), c0);
            if (outW == 2)
            {
                s = Fma.MultiplyAdd(Vector256.Create(db[1]), c1, s);
            }

            SimdSupport.StoreLeading(d, mask, rows, ActivationKernels.Backward(TAct.Value, SimdSupport.LoadLeading(yb, mask, rows), s));
        }
    }

    /// <summary>The two columns of eight rows of a two-wide <c>wT</c>: <paramref name="w"/> holds <c>(c0, c1)</c> pairs;
    /// the evens and the odds are shuffled out of two vectors of four pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) Deinterleave(float* w)
    {
        Vector256<float> lo = Avx.LoadVector256(w), hi = Avx.LoadVector256(w + 8);
        Vector256<float> even = Avx.Shuffle(lo, hi, 0b10_00_10_00), odd = Avx.Shuffle(lo, hi, 0b11_01_11_01);
        return (Avx2.Permute4x64(even.AsDouble(), 0b11_01_10_00).AsSingle(), Avx2.Permute4x64(odd.AsDouble(), 0b11_01_10_00).AsSingle());
    }

    /// <summary>Columns <c>0..outW</c> (three to seven) of the rows of <c>wT</c> at <paramref name="w"/> that
    /// <paramref name="mask"/> selects (one to eight), column <c>o</c> gathered into <c>columns[o]</c> (other lanes zero).</summary>
    private static void NarrowColumns(int outW, Vector256<float> mask, float* w, Vector256<float>* columns)
    {
        Vector256<int> rowStep = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * outW;
        for (int o = 0; o < outW; o++)
        {
            columns[o] = Avx2.GatherMaskVector256(Vector256<float>.Zero, w + o, rowStep, mask, 4);
        }
    }
}
