using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>The x86-64 path's kernels for narrow outputs (one, two or four columns), the eight-column tiles of other
/// widths and the masked store they share (<see cref="LayerWeightGradient"/>).</summary>
internal static unsafe partial class LayerWeightGradient
{
    /// <summary>Outputs of width 1, 2 or 4, eight rows at a time: each output's sums in its own register (lanes are
    /// rows <c>i..i+8</c>, <c>dy[b, o]</c> broadcast), so the chains over the batch need no shuffle; the registers are
    /// then interleaved into the <c>[in, out]</c> layout for the stores. The whole chunks of eight rows take the chunk's
    /// code compiled for eight rows, with no test of the row count; the last rows (fewer than eight) take it under a
    /// mask.</summary>
    private static void Narrow<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* g, float* tail)
        where TWrite : struct, IGradientWrite
    {
        int full = inW & ~7;
        for (int i = 0; i < full; i += 8)
        {
            NarrowChunk<TWrite>(batch, inW, outW, x, dy, g, tail, i, 8);
        }

        if (full < inW)
        {
            NarrowChunk<TWrite>(batch, inW, outW, x, dy, g, tail, full, inW - full);
        }
    }

    /// <summary><see cref="Narrow{TWrite}"/>'s rows <paramref name="i"/> to <c>i + rows</c> (<paramref name="rows"/> 1 to
    /// 8). Inlined, so that for a whole chunk the row-count tests fold away.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NarrowChunk<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* g, float* tail, int i, int rows)
        where TWrite : struct, IGradientWrite
    {
        Vector256<float> mask = SimdSupport.LeadingMask(rows);
        float* xb = x + i, d = dy;
        Vector256<float> xv = SimdSupport.LoadLeading(xb, mask, rows);
        Vector256<float> s0 = Avx.Multiply(xv, Vector256.Create(d[0])), s1 = default, s2 = default, s3 = default;
        if (outW > 1)
        {
            s1 = Avx.Multiply(xv, Vector256.Create(d[1]));
        }

        if (outW > 2)
        {
            s2 = Avx.Multiply(xv, Vector256.Create(d[2]));
            s3 = Avx.Multiply(xv, Vector256.Create(d[3]));
        }

        for (int b = 1; b < batch; b++)
        {
            xb += inW;
            d += outW;
            xv = SimdSupport.LoadLeading(xb, mask, rows);
            s0 = Fma.MultiplyAdd(xv, Vector256.Create(d[0]), s0);
            if (outW > 1)
            {
                s1 = Fma.MultiplyAdd(xv, Vector256.Create(d[1]), s1);
            }

            if (outW > 2)
            {
                s2 = Fma.MultiplyAdd(xv, Vector256.Create(d[2]), s2);
                s3 = Fma.MultiplyAdd(xv, Vector256.Create(d[3]), s3);
            }
        }

        // The counts below are written in rows with each branch's own width, so that they fold for a whole chunk.
        float* gi = g + (i * outW);
        if (outW == 1)
        {
            AddInto<TWrite>(gi, s0, rows, tail);
            return;
        }

        if (outW == 2)
        {
            // (s0, s1) pairs: rows 0, 1, 4, 5 and 2, 3, 6, 7 by the in-lane unpacks, then halves put in row order.
            Vector256<float> lo = Avx.UnpackLow(s0, s1), hi = Avx.UnpackHigh(s0, s1);
            AddInto<TWrite>(gi, Avx.Permute2x128(lo, hi, 0x20), Math.Min(8, 2 * rows), tail);
            if (rows > 4)
            {
                AddInto<TWrite>(gi + 8, Avx.Permute2x128(lo, hi, 0x31), (2 * rows) - 8, tail);
            }

            return;
        }

        // Four outputs: a 4x4 transpose in each half gives rows r | r + 4, then the halves are paired in row order.
        Vector256<double> t0 = Avx.UnpackLow(s0, s1).AsDouble(), t1 = Avx.UnpackHigh(s0, s1).AsDouble();
        Vector256<double> t2 = Avx.UnpackLow(s2, s3).AsDouble(), t3 = Avx.UnpackHigh(s2, s3).AsDouble();
        Vector256<float> r0 = Avx.UnpackLow(t0, t2).AsSingle(), r1 = Avx.UnpackHigh(t0, t2).AsSingle();
        Vector256<float> r2 = Avx.UnpackLow(t1, t3).AsSingle(), r3 = Avx.UnpackHigh(t1, t3).AsSingle();
        AddInto<TWrite>(gi, Avx.Permute2x128(r0, r1, 0x20), Math.Min(8, 4 * rows), tail);
        if (rows > 2)
        {
            AddInto<TWrite>(gi + 8, Avx.Permute2x128(r2, r3, 0x20), Math.Min(8, (4 * rows) - 8), tail);
        }

        if (rows > 4)
        {
            AddInto<TWrite>(gi + 16, Avx.Permute2x128(r0, r1, 0x31), Math.Min(8, (4 * rows) - 16), tail);
        }

        if (rows > 6)
        {
            AddInto<TWrite>(gi + 24, Avx.Permute2x128(r2, r3, 0x31), (4 * rows) - 24, tail);
        }
    }

    private static void Columns8<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* g, int lanes, float* tail)
        where TWrite : struct, IGradientWrite
    {
        Vector256<float> mask = SimdSupport.LeadingMask(lanes);
        int rows = inW & ~3;
        for (int i = 0; i < rows; i += 4, g += 4 * outW)
        {
            // Four rows side by side (four chains over the batch), the same operations per lane as the loop below.
            float* xi = x + i, d = dy;
            Vector256<float> dv = Avx.MaskLoad(d, mask);
            Vector256<float> s0 = Avx.Multiply(Vector256.Create(xi[0]), dv), s1 = Avx.Multiply(Vector256.Create(xi[1]), dv);
            Vector256<float> s2 = Avx.Multiply(Vector256.Create(xi[2]), dv), s3 = Avx.Multiply(Vector256.Create(xi[3]), dv);
            for (int b = 1; b < batch; b++)
            {
                d += outW;
                xi += inW;
                dv = Avx.MaskLoad(d, mask);
                s0 = Fma.MultiplyAdd(Vector256.Create(xi[0]), dv, s0);
                s1 = Fma.MultiplyAdd(Vector256.Create(xi[1]), dv, s1);
                s2 = Fma.MultiplyAdd(Vector256.Create(xi[2]), dv, s2);
                s3 = Fma.MultiplyAdd(Vector256.Create(xi[3]), dv, s3);
            }

            AddInto<TWrite>(g, s0, lanes, tail);
            AddInto<TWrite>(g + outW, s1, lanes, tail);
            AddInto<TWrite>(g + (2 * outW), s2, lanes, tail);
            AddInto<TWrite>(g + (3 * outW), s3, lanes, tail);
        }

        for (int i = rows; i < inW; i++, g += outW)
        {
            Vector256<float> s = Avx.Multiply(Vector256.Create(x[i]), Avx.MaskLoad(dy, mask));
            for (int b = 1; b < batch; b++)
            {
                s = Fma.MultiplyAdd(Vector256.Create(x[(b * inW) + i]), Avx.MaskLoad(dy + (b * outW), mask), s);
            }

            AddInto<TWrite>(g, s, lanes, tail);
        }
    }

    /// <summary><c>g[k] += s[k]</c> (or <c>g[k] = 0 + s[k]</c>) for the first <paramref name="lanes"/> lanes, touching
    /// no other float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a whole vector's count folds to one store
    private static void AddInto<TWrite>(float* g, Vector256<float> s, int lanes, float* tail)
        where TWrite : struct, IGradientWrite
    {
        if (lanes == 8)
        {
            Avx.Store(g, Base256<TWrite>(g) + s);
            return;
        }

        Avx.Store(tail, s);
        for (int k = 0; k < lanes; k++)
        {
            g[k] = Base<TWrite>(g + k) + tail[k];
        }
    }
}
