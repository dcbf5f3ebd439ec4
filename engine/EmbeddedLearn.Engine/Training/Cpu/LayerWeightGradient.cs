using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// Accumulates one dense layer's parameter gradients, PyTorch style (this pass's batch sum first, then added
/// to the stored value): <c>gW[i, o] += sum_b x[b, i] * dy[b, o]</c> into the transposed weight gradient
/// <c>gW</c> of shape <c>[in, out]</c>, and <c>gB[o] += sum_b dy[b, o]</c>; <c>x</c> is <c>[B, in]</c> (the
/// layer's input) and <c>dy</c> is <c>[B, out]</c> (the gradient of the pre-activation output).
/// </summary>
/// <remarks>
/// The canonical order, the same on every path: <c>gB[o] += ((dy[0, o] + dy[1, o]) + dy[2, o]) + ...</c>;
/// <c>s = x[0, i] dy[0, o]</c>, then <c>s = fma(x[b, i], dy[b, o], s)</c> for <c>b = 1, 2, ...</c>, then
/// <c>gW[i, o] += s</c>. Every vector lane holds a different <c>(i, o)</c>, so the width never changes a result.
/// With <c>accumulate</c> off each result is stored as <c>0 + s</c> instead: bit for bit what clearing the gradient
/// to +0 first and then adding gives (a <c>-0</c> sum stores <c>+0</c>), without reading the old gradient.
/// </remarks>
internal static unsafe partial class LayerWeightGradient
{
    /// <summary>Runs the layer on <paramref name="path"/> (already limited to this machine's). With
    /// <paramref name="ahead"/> not 0 it also asks for the cache lines <paramref name="ahead"/> floats past this layer's
    /// gradients (the next entity's, about to be written): row by row where the column tiles of sixteen run (Vector512,
    /// and Vector256 for a batch of four), so that the requests are spread over the work, otherwise all at once before
    /// it.</summary>
    public static void Run(KernelPath path, int batch, int inW, int outW, float* x, float* dy, float* gW, float* gB,
        bool accumulate = true, int ahead = 0)
    {
        if (accumulate)
        {
            Run<AccumulateGradient>(path, batch, inW, outW, x, dy, gW, gB, ahead);
        }
        else
        {
            Run<StoreGradient>(path, batch, inW, outW, x, dy, gW, gB, ahead);
        }
    }

    /// <summary><see cref="Run(KernelPath, int, int, int, float*, float*, float*, float*, bool, int)"/> compiled for one
    /// way of writing the sums, <typeparamref name="TWrite"/>: no branch on it in any loop.</summary>
    private static void Run<TWrite>(KernelPath path, int batch, int inW, int outW, float* x, float* dy, float* gW, float* gB, int ahead)
        where TWrite : struct, IGradientWrite
    {
        bool columns = outW % 16 == 0 && (path == KernelPath.Vector512 || (path == KernelPath.Vector256 && batch == 4));
        if (ahead != 0)
        {
            CachePrefetch.Lines(new ReadOnlySpan<float>(gB + ahead, outW));
            if (!columns)
            {
                CachePrefetch.Lines(new ReadOnlySpan<float>(gW + ahead, inW * outW));
            }
        }

        switch (path)
        {
            case KernelPath.Vector512:
            case KernelPath.Vector256:
                Vector<TWrite>(path == KernelPath.Vector512, batch, inW, outW, x, dy, gW, gB, columns ? ahead : 0);
                break;
            case KernelPath.Vector128:
                Portable<TWrite>(batch, inW, outW, x, dy, gW, gB);
                break;
            default:
                Scalar<TWrite>(batch, inW, outW, x, dy, gW, gB);
                break;
        }
    }

    /// <summary>What a result is added to: the stored gradient, or +0 when storing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Base<TWrite>(float* g)
        where TWrite : struct, IGradientWrite => TWrite.Accumulate ? *g : 0f;

    /// <inheritdoc cref="Base{TWrite}(float*)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Base128<TWrite>(float* g)
        where TWrite : struct, IGradientWrite => TWrite.Accumulate ? Vector128.Load(g) : Vector128<float>.Zero;

    /// <inheritdoc cref="Base{TWrite}(float*)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Base256<TWrite>(float* g)
        where TWrite : struct, IGradientWrite => TWrite.Accumulate ? Vector256.Load(g) : Vector256<float>.Zero;

    /// <inheritdoc cref="Base{TWrite}(float*)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Base512<TWrite>(float* g)
        where TWrite : struct, IGradientWrite => TWrite.Accumulate ? Vector512.Load(g) : Vector512<float>.Zero;

    /// <summary>The reference; with <paramref name="fromRow"/> its weight rows from there on only (the bias in full).</summary>
    public static void Scalar<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* gW, float* gB, int fromRow = 0)
        where TWrite : struct, IGradientWrite
    {
        BiasColumns<TWrite>(batch, outW, dy, gB, 0);
        Block<TWrite>(batch, inW, outW, x + fromRow, dy, gW + (fromRow * outW), inW - fromRow, outW);
    }

    /// <summary>The reference for the bias gradient's columns <paramref name="from"/> on.</summary>
    private static void BiasColumns<TWrite>(int batch, int outW, float* dy, float* gB, int from)
        where TWrite : struct, IGradientWrite
    {
        for (int o = from; o < outW; o++)
        {
            float s = dy[o];
            for (int b = 1; b < batch; b++)
            {
                s += dy[(b * outW) + o];
            }

            gB[o] = Base<TWrite>(gB + o) + s;
        }
    }

    /// <summary>The reference for a block of <paramref name="rows"/> by <paramref name="columns"/> weight gradients
    /// (<paramref name="x"/>, <paramref name="dy"/> and <paramref name="g"/> offset to its first row and column). Never
    /// inlined: the portable tiles call it as their rare fallback.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Block<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* g, int rows, int columns)
        where TWrite : struct, IGradientWrite
    {
        for (int i = 0; i < rows; i++)
        {
            for (int o = 0; o < columns; o++)
            {
                float s = x[i] * dy[o];
                for (int b = 1; b < batch; b++)
                {
                    s = ExactMath.Fma(x[(b * inW) + i], dy[(b * outW) + o], s);
                }

                float* gi = g + (i * outW) + o;
                *gi = Base<TWrite>(gi) + s;
            }
        }
    }

    /// <summary>The x86-64 path (needs <see cref="SimdSupport.Vector"/>; Vector512 columns when <paramref name="wide"/>,
    /// which needs <see cref="SimdSupport.Wide"/>).</summary>
    private static void Vector<TWrite>(bool wide, int batch, int inW, int outW, float* x, float* dy, float* gW, float* gB, int ahead)
        where TWrite : struct, IGradientWrite
    {
        if (wide && outW <= 2)
        {
            LayerWeightGradientWide.Bias<TWrite>(batch, outW, dy, gB);
            LayerWeightGradientWide.Narrow<TWrite>(batch, inW, outW, x, dy, gW);
            return;
        }

        if (wide && outW % 16 == 0)
        {
            LayerWeightGradientWide.Bias<TWrite>(batch, outW, dy, gB);
            LayerWeightGradientWide.Columns<TWrite>(batch, inW, outW, x, dy, gW, outW, ahead);
            return;
        }

        float* tail = stackalloc float[8];
        Bias<TWrite>(batch, outW, dy, gB);

        if (outW is 1 or 2 or 4)
        {
            Narrow<TWrite>(batch, inW, outW, x, dy, gW, tail);
            return;
        }

        int jj = 0;
        if (wide)
        {
            jj = outW & ~15;
            LayerWeightGradientWide.Columns<TWrite>(batch, inW, outW, x, dy, gW, jj);
        }

        for (; jj + 16 <= outW; jj += 16)
        {
            if (batch == 4)
            {
                Columns16Batch4<TWrite>(inW, outW, x, dy + jj, gW + jj, ahead);
            }
            else
            {
                Columns16<TWrite>(batch, inW, outW, x, dy + jj, gW + jj);
            }
        }

        for (; jj < outW; jj += 8)
        {
            Columns8<TWrite>(batch, inW, outW, x, dy + jj, gW + jj, Math.Min(8, outW - jj), tail);
        }
    }

    /// <summary>The bias gradient on the x86-64 path: whole vectors of eight columns, the last columns (fewer than eight)
    /// in the reference form.</summary>
    private static void Bias<TWrite>(int batch, int outW, float* dy, float* gB)
        where TWrite : struct, IGradientWrite
    {
        int full = outW & ~7;
        for (int j = 0; j < full; j += 8)
        {
            Vector256<float> s = Avx.LoadVector256(dy + j);
            for (int b = 1; b < batch; b++)
            {
                s += Avx.LoadVector256(dy + (b * outW) + j);
            }

            Avx.Store(gB + j, Base256<TWrite>(gB + j) + s);
        }

        BiasColumns<TWrite>(batch, outW, dy, gB, full);
    }

    /// <summary>Sixteen columns for any batch: four rows at a time (eight chains over the batch side by side, as
    /// <see cref="LayerWeightGradientWide.Columns"/> does), then the rest one row at a time; every lane takes the same
    /// operations either way.</summary>
    private static void Columns16<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* g)
        where TWrite : struct, IGradientWrite
    {
        int rows = inW & ~3;
        for (int i = 0; i < rows; i += 4, g += 4 * outW)
        {
            Rows4Columns16<TWrite>(batch, inW, outW, x + i, dy, g);
        }

        for (int i = rows; i < inW; i++, g += outW)
        {
            Vector256<float> xb = Vector256.Create(x[i]);
            Vector256<float> s0 = Avx.Multiply(xb, Avx.LoadVector256(dy));
            Vector256<float> s1 = Avx.Multiply(xb, Avx.LoadVector256(dy + 8));
            float* d = dy;
            for (int b = 1; b < batch; b++)
            {
                d += outW;
                xb = Vector256.Create(x[(b * inW) + i]);
                s0 = Fma.MultiplyAdd(xb, Avx.LoadVector256(d), s0);
                s1 = Fma.MultiplyAdd(xb, Avx.LoadVector256(d + 8), s1);
            }

            Avx.Store(g, Base256<TWrite>(g) + s0);
            Avx.Store(g + 8, Base256<TWrite>(g + 8) + s1);
        }
    }

    /// <summary>Rows <c>i..i+4</c> (<paramref name="x"/> offset to column <c>i</c>) by sixteen columns: eight chains.</summary>
    private static void Rows4Columns16<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* g)
        where TWrite : struct, IGradientWrite
    {
        Vector256<float> d0 = Avx.LoadVector256(dy), d1 = Avx.LoadVector256(dy + 8);
        Vector256<float> x0 = Vector256.Create(x[0]), x1 = Vector256.Create(x[1]), x2 = Vector256.Create(x[2]), x3 = Vector256.Create(x[3]);
        Vector256<float> s00 = Avx.Multiply(x0, d0), s01 = Avx.Multiply(x0, d1), s10 = Avx.Multiply(x1, d0), s11 = Avx.Multiply(x1, d1);
        Vector256<float> s20 = Avx.Multiply(x2, d0), s21 = Avx.Multiply(x2, d1), s30 = Avx.Multiply(x3, d0), s31 = Avx.Multiply(x3, d1);
        for (int b = 1; b < batch; b++)
        {
            dy += outW;
            x += inW;
            d0 = Avx.LoadVector256(dy);
            d1 = Avx.LoadVector256(dy + 8);
            x0 = Vector256.Create(x[0]);
            s00 = Fma.MultiplyAdd(x0, d0, s00);
            s01 = Fma.MultiplyAdd(x0, d1, s01);
            x1 = Vector256.Create(x[1]);
            s10 = Fma.MultiplyAdd(x1, d0, s10);
            s11 = Fma.MultiplyAdd(x1, d1, s11);
            x2 = Vector256.Create(x[2]);
            s20 = Fma.MultiplyAdd(x2, d0, s20);
            s21 = Fma.MultiplyAdd(x2, d1, s21);
            x3 = Vector256.Create(x[3]);
            s30 = Fma.MultiplyAdd(x3, d0, s30);
            s31 = Fma.MultiplyAdd(x3, d1, s31);
        }

        Avx.Store(g, Base256<TWrite>(g) + s00);
        Avx.Store(g + 8, Base256<TWrite>(g + 8) + s01);
        g += outW;
        Avx.Store(g, Base256<TWrite>(g) + s10);
        Avx.Store(g + 8, Base256<TWrite>(g + 8) + s11);
        g += outW;
        Avx.Store(g, Base256<TWrite>(g) + s20);
        Avx.Store(g + 8, Base256<TWrite>(g + 8) + s21);
        g += outW;
        Avx.Store(g, Base256<TWrite>(g) + s30);
        Avx.Store(g + 8, Base256<TWrite>(g + 8) + s31);
    }

    /// <summary>Sixteen columns for a batch of four, with the sixteen columns of <c>dy</c> held in registers; with
    /// <paramref name="ahead"/> not 0 each row also asks for the line <paramref name="ahead"/> floats further on.</summary>
    private static void Columns16Batch4<TWrite>(int inW, int outW, float* x, float* dy, float* g, int ahead)
        where TWrite : struct, IGradientWrite
    {
        Vector256<float> d00 = Avx.LoadVector256(dy), d01 = Avx.LoadVector256(dy + 8);
        dy += outW;
        Vector256<float> d10 = Avx.LoadVector256(dy), d11 = Avx.LoadVector256(dy + 8);
        dy += outW;
        Vector256<float> d20 = Avx.LoadVector256(dy), d21 = Avx.LoadVector256(dy + 8);
        dy += outW;
        Vector256<float> d30 = Avx.LoadVector256(dy), d31 = Avx.LoadVector256(dy + 8);
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        for (int i = 0; i < inW; i++, g += outW)
        {
            Vector256<float> xb = Vector256.Create(x[i]);
            Vector256<float> s0 = Avx.Multiply(xb, d00), s1 = Avx.Multiply(xb, d01);
            xb = Vector256.Create(x1[i]);
            s0 = Fma.MultiplyAdd(xb, d10, s0);
            s1 = Fma.MultiplyAdd(xb, d11, s1);
            xb = Vector256.Create(x2[i]);
            s0 = Fma.MultiplyAdd(xb, d20, s0);
            s1 = Fma.MultiplyAdd(xb, d21, s1);
            xb = Vector256.Create(x3[i]);
            s0 = Fma.MultiplyAdd(xb, d30, s0);
            s1 = Fma.MultiplyAdd(xb, d31, s1);
            Avx.Store(g, Base256<TWrite>(g) + s0);
            Avx.Store(g + 8, Base256<TWrite>(g + 8) + s1);
            if (ahead != 0)
            {
                CachePrefetch.Line(g + ahead);
            }
        }
    }
}
