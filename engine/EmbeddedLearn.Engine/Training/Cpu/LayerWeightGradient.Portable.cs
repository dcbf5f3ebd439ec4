using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>The portable Vector128 path of <see cref="LayerWeightGradient"/> (ARM64, x86-64 without AVX2).</summary>
internal static unsafe partial class LayerWeightGradient
{
    /// <summary>The portable Vector128 path: four columns at a time, the last columns (fewer than four) in the reference
    /// form (<see cref="Block"/>); one or two columns four rows at a time (<see cref="LayerGradientNarrowPortable"/>).</summary>
    private static void Portable<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* gW, float* gB)
        where TWrite : struct, IGradientWrite
    {
        if (outW <= 2)
        {
            int from = LayerGradientNarrowPortable.WeightGradient<TWrite>(batch, inW, outW, x, dy, gW);
            Scalar<TWrite>(batch, inW, outW, x, dy, gW, gB, from);
            return;
        }

        int columns = outW & ~3;
        for (int j = 0; j < columns; j += 4)
        {
            Vector128<float> s = Vector128.Load(dy + j);
            for (int b = 1; b < batch; b++)
            {
                s += Vector128.Load(dy + (b * outW) + j);
            }

            (Base128<TWrite>(gB + j) + s).Store(gB + j);
        }

        int rows = inW & ~3;
        for (int i = 0; i < rows; i += 4)
        {
            int j = 0;
            for (; j + 8 <= columns; j += 8)
            {
                Rows4Columns8<TWrite>(batch, inW, outW, x + i, dy + j, gW + (i * outW) + j);
            }

            for (; j < columns; j += 4)
            {
                Rows4Columns4<TWrite>(batch, inW, outW, x + i, dy + j, gW + (i * outW) + j);
            }
        }

        for (int i = 0; i < inW; i++)
        {
            float* g = gW + (i * outW);
            for (int j = i < rows ? columns : 0; j < columns; j += 4)
            {
                float* d = dy + j;
                Vector128<float> s = Vector128.Create(x[i]) * Vector128.Load(d);
                for (int b = 1; b < batch; b++)
                {
                    d += outW;
                    s = ExactMath.Fma(Vector128.Create(x[(b * inW) + i]), Vector128.Load(d), s);
                }

                (Base128<TWrite>(g + j) + s).Store(g + j);
            }
        }

        if (columns < outW)
        {
            Block<TWrite>(batch, inW, outW, x, dy + columns, gW + columns, inW, outW - columns);
            BiasColumns<TWrite>(batch, outW, dy, gB, columns);
        }
    }

    /// <summary>The portable path's rows <c>i..i+4</c> by columns <c>j..j+8</c>: <see cref="Rows4Columns4"/> twice side by
    /// side, eight chains for the out-of-order core to overlap (an emulated multiply-add's latency is long).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows4Columns8<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* g)
        where TWrite : struct, IGradientWrite
    {
        Vector128<float> dl = Vector128.Load(dy), dh = Vector128.Load(dy + 4);
        Vector128<float> v = Vector128.Create(x[0]);
        Vector128<float> l0 = v * dl, h0 = v * dh;
        v = Vector128.Create(x[1]);
        Vector128<float> l1 = v * dl, h1 = v * dh;
        v = Vector128.Create(x[2]);
        Vector128<float> l2 = v * dl, h2 = v * dh;
        v = Vector128.Create(x[3]);
        Vector128<float> l3 = v * dl, h3 = v * dh;
        RareLanes rare = RareLanes.None;
        float* x0 = x, dy0 = dy;
        for (int b = 1; b < batch; b++)
        {
            dy += outW;
            x += inW;
            dl = Vector128.Load(dy);
            dh = Vector128.Load(dy + 4);
            v = Vector128.Create(x[0]);
            l0 = ExactMath.Fma(v, dl, l0, ref rare);
            h0 = ExactMath.Fma(v, dh, h0, ref rare);
            v = Vector128.Create(x[1]);
            l1 = ExactMath.Fma(v, dl, l1, ref rare);
            h1 = ExactMath.Fma(v, dh, h1, ref rare);
            v = Vector128.Create(x[2]);
            l2 = ExactMath.Fma(v, dl, l2, ref rare);
            h2 = ExactMath.Fma(v, dh, h2, ref rare);
            v = Vector128.Create(x[3]);
            l3 = ExactMath.Fma(v, dl, l3, ref rare);
            h3 = ExactMath.Fma(v, dh, h3, ref rare);
        }

        if (ExactMath.AnyRare(rare))
        {
            Block<TWrite>(batch, inW, outW, x0, dy0, g, 4, 8);
            return;
        }

        Store2<TWrite>(g, l0, h0);
        Store2<TWrite>(g + outW, l1, h1);
        Store2<TWrite>(g + (2 * outW), l2, h2);
        Store2<TWrite>(g + (3 * outW), l3, h3);
    }

    /// <summary>Eight results of a row added to what they are added to (<see cref="Base128"/>) and stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2<TWrite>(float* g, Vector128<float> low, Vector128<float> high)
        where TWrite : struct, IGradientWrite
    {
        (Base128<TWrite>(g) + low).Store(g);
        (Base128<TWrite>(g + 4) + high).Store(g + 4);
    }

    /// <summary>The portable path's rows <c>i..i+4</c> by columns <c>j..j+4</c> (pointers offset to them): four chains over
    /// the batch side by side, each the same operations as the one-row loop; where an emulated fused multiply-add met a
    /// rare lane, the block again in the reference form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the loop over the columns: a call per block costs more than it
    private static void Rows4Columns4<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* g)
        where TWrite : struct, IGradientWrite
    {
        Vector128<float> d = Vector128.Load(dy);
        Vector128<float> s0 = Vector128.Create(x[0]) * d, s1 = Vector128.Create(x[1]) * d;
        Vector128<float> s2 = Vector128.Create(x[2]) * d, s3 = Vector128.Create(x[3]) * d;
        RareLanes rare = RareLanes.None;
        float* x0 = x, dy0 = dy;
        for (int b = 1; b < batch; b++)
        {
            dy += outW;
            x += inW;
            d = Vector128.Load(dy);
            s0 = ExactMath.Fma(Vector128.Create(x[0]), d, s0, ref rare);
            s1 = ExactMath.Fma(Vector128.Create(x[1]), d, s1, ref rare);
            s2 = ExactMath.Fma(Vector128.Create(x[2]), d, s2, ref rare);
            s3 = ExactMath.Fma(Vector128.Create(x[3]), d, s3, ref rare);
        }

        if (ExactMath.AnyRare(rare))
        {
            Block<TWrite>(batch, inW, outW, x0, dy0, g, 4, 4);
            return;
        }

        (Base128<TWrite>(g) + s0).Store(g);
        (Base128<TWrite>(g + outW) + s1).Store(g + outW);
        (Base128<TWrite>(g + (2 * outW)) + s2).Store(g + (2 * outW));
        (Base128<TWrite>(g + (3 * outW)) + s3).Store(g + (3 * outW));
    }
}
