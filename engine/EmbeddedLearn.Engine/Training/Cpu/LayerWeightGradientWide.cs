using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// The Vector512 tiles of <see cref="LayerWeightGradient"/> (need <see cref="SimdSupport.Wide"/>): bias gradients
/// sixteen outputs at a time, weight gradients sixteen columns at a time, and layers of one or two outputs walked
/// as flat <c>[in * out]</c> vectors, so every lane holds a different result. Each batch sum is formed in a
/// register first and then added to the stored gradient, in the scalar path's order.
/// </summary>
internal static unsafe class LayerWeightGradientWide
{
    /// <summary><c>gB[o] += sum_b dy[b, o]</c>.</summary>
    public static void Bias<TWrite>(int batch, int outW, float* dy, float* gB)
        where TWrite : struct, IGradientWrite
    {
        int j = 0;
        for (; j + 16 <= outW; j += 16)
        {
            Vector512<float> s = Vector512.Load(dy + j);
            for (int b = 1; b < batch; b++)
            {
                s += Vector512.Load(dy + (b * outW) + j);
            }

            (LayerWeightGradient.Base512<TWrite>(gB + j) + s).Store(gB + j);
        }

        for (; j < outW; j++)
        {
            float s = dy[j];
            for (int b = 1; b < batch; b++)
            {
                s += dy[(b * outW) + j];
            }

            gB[j] = LayerWeightGradient.Base<TWrite>(gB + j) + s;
        }
    }

    /// <summary>
    /// <c>out</c> of 1 or 2: the gradient <c>[in, out]</c> as flat vectors of sixteen (<c>16 / out</c> inputs
    /// each): <c>x[b, i]</c> (repeated twice by one permute for two outputs) times <c>dy[b, 0..out]</c> tiled by
    /// one broadcast.
    /// </summary>
    public static void Narrow<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* g)
        where TWrite : struct, IGradientWrite
    {
        int step = 16 / outW;
        Vector512<int> repeat = Vector512.Create(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
        int i = 0;
        for (; i + step <= inW; i += step)
        {
            Vector512<float> s = Vector512<float>.Zero;
            for (int b = 0; b < batch; b++)
            {
                float* xb = x + (b * inW) + i;
                Vector512<float> xv = outW == 1 ? Vector512.Load(xb) : Vector512.Shuffle(Vector256.Load(xb).ToVector512Unsafe(), repeat);
                Vector512<float> dv = outW == 1 ? Vector512.Create(dy[b]) : Vector512.Create(*(double*)(dy + (2 * b))).AsSingle();
                s = b == 0 ? xv * dv : Vector512.FusedMultiplyAdd(xv, dv, s);
            }

            float* gi = g + (i * outW);
            (LayerWeightGradient.Base512<TWrite>(gi) + s).Store(gi);
        }

        for (; i < inW; i++)
        {
            for (int o = 0; o < outW; o++)
            {
                float s = x[i] * dy[o];
                for (int b = 1; b < batch; b++)
                {
                    s = MathF.FusedMultiplyAdd(x[(b * inW) + i], dy[(b * outW) + o], s);
                }

                float* gi = g + (i * outW) + o;
                *gi = LayerWeightGradient.Base<TWrite>(gi) + s;
            }
        }
    }

    /// <summary>
    /// The first <paramref name="columns"/> (a multiple of 16) columns of <see cref="LayerWeightGradient"/>:
    /// <c>g[i, j..j+16] += sum_b x[b, i] dy[b, j..j+16]</c>, the batch sum formed in a register first. With
    /// <paramref name="ahead"/> not 0, each store also asks for the line <paramref name="ahead"/> floats further on (the
    /// next entity's gradient at the same place), so that those lines arrive spread over this entity's work.
    /// </summary>
    public static void Columns<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* g, int columns, int ahead = 0)
        where TWrite : struct, IGradientWrite
    {
        if (batch == 4)
        {
            for (int j = 0; j < columns; j += 16)
            {
                WeightGradientBatch4<TWrite>(inW, outW, x, dy + j, g + j, ahead);
            }

            return;
        }

        int i = 0;
        for (; i + 4 <= inW; i += 4)
        {
            int j = 0;
            for (; j + 32 <= columns; j += 32)
            {
                Rows4Columns32<TWrite>(batch, inW, outW, x + i, dy + j, g + (i * outW) + j, ahead);
            }

            for (; j < columns; j += 16)
            {
                Rows4Columns16<TWrite>(batch, inW, outW, x + i, dy + j, g + (i * outW) + j, ahead);
            }
        }

        for (g += i * outW; i < inW; i++, g += outW)
        {
            for (int j = 0; j < columns; j += 16)
            {
                float* d = dy + j;
                Vector512<float> s = Vector512.Create(x[i]) * Vector512.Load(d);
                for (int b = 1; b < batch; b++)
                {
                    d += outW;
                    s = Vector512.FusedMultiplyAdd(Vector512.Create(x[(b * inW) + i]), Vector512.Load(d), s);
                }

                Store<TWrite>(g + j, s, ahead);
            }
        }
    }

    /// <summary>
    /// Rows <c>i..i+4</c> by columns <c>j..j+32</c> (pointers already offset to them) for any batch: eight chains over the
    /// batch, each the same operations as the one-row loop (<c>s = x[0, i] dy[0, j]</c>, then one FMA per sample in order),
    /// run side by side so that the FMA latency is hidden (a batch of 256, as PPO's minibatch, otherwise waits on one chain
    /// at a time); each <c>dy</c> row loaded once for the four rows.
    /// </summary>
    private static void Rows4Columns32<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* g, int ahead)
        where TWrite : struct, IGradientWrite
    {
        Vector512<float> d0 = Vector512.Load(dy), d1 = Vector512.Load(dy + 16);
        Vector512<float> x0 = Vector512.Create(x[0]), x1 = Vector512.Create(x[1]), x2 = Vector512.Create(x[2]), x3 = Vector512.Create(x[3]);
        Vector512<float> s00 = x0 * d0, s01 = x0 * d1, s10 = x1 * d0, s11 = x1 * d1;
        Vector512<float> s20 = x2 * d0, s21 = x2 * d1, s30 = x3 * d0, s31 = x3 * d1;
        for (int b = 1; b < batch; b++)
        {
            dy += outW;
            x += inW;
            d0 = Vector512.Load(dy);
            d1 = Vector512.Load(dy + 16);
            x0 = Vector512.Create(x[0]);
            s00 = Vector512.FusedMultiplyAdd(x0, d0, s00);
            s01 = Vector512.FusedMultiplyAdd(x0, d1, s01);
            x1 = Vector512.Create(x[1]);
            s10 = Vector512.FusedMultiplyAdd(x1, d0, s10);
            s11 = Vector512.FusedMultiplyAdd(x1, d1, s11);
            x2 = Vector512.Create(x[2]);
            s20 = Vector512.FusedMultiplyAdd(x2, d0, s20);
            s21 = Vector512.FusedMultiplyAdd(x2, d1, s21);
            x3 = Vector512.Create(x[3]);
            s30 = Vector512.FusedMultiplyAdd(x3, d0, s30);
            s31 = Vector512.FusedMultiplyAdd(x3, d1, s31);
        }

        Store<TWrite>(g, s00, ahead);
        Store<TWrite>(g + 16, s01, ahead);
        Store<TWrite>(g += outW, s10, ahead);
        Store<TWrite>(g + 16, s11, ahead);
        Store<TWrite>(g += outW, s20, ahead);
        Store<TWrite>(g + 16, s21, ahead);
        Store<TWrite>(g += outW, s30, ahead);
        Store<TWrite>(g + 16, s31, ahead);
    }

    /// <summary><see cref="Rows4Columns32"/> for sixteen columns: four chains.</summary>
    private static void Rows4Columns16<TWrite>(int batch, int inW, int outW, float* x, float* dy, float* g, int ahead)
        where TWrite : struct, IGradientWrite
    {
        Vector512<float> d0 = Vector512.Load(dy);
        Vector512<float> s0 = Vector512.Create(x[0]) * d0, s1 = Vector512.Create(x[1]) * d0;
        Vector512<float> s2 = Vector512.Create(x[2]) * d0, s3 = Vector512.Create(x[3]) * d0;
        for (int b = 1; b < batch; b++)
        {
            dy += outW;
            x += inW;
            d0 = Vector512.Load(dy);
            s0 = Vector512.FusedMultiplyAdd(Vector512.Create(x[0]), d0, s0);
            s1 = Vector512.FusedMultiplyAdd(Vector512.Create(x[1]), d0, s1);
            s2 = Vector512.FusedMultiplyAdd(Vector512.Create(x[2]), d0, s2);
            s3 = Vector512.FusedMultiplyAdd(Vector512.Create(x[3]), d0, s3);
        }

        Store<TWrite>(g, s0, ahead);
        Store<TWrite>(g += outW, s1, ahead);
        Store<TWrite>(g += outW, s2, ahead);
        Store<TWrite>(g += outW, s3, ahead);
    }

    /// <summary><c>g = g + s</c>, or <c>0 + s</c>; and, with <paramref name="ahead"/> not 0, asks for the line
    /// <paramref name="ahead"/> floats on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TWrite>(float* g, Vector512<float> s, int ahead)
        where TWrite : struct, IGradientWrite
    {
        if (ahead != 0)
        {
            CachePrefetch.Line(g + ahead);
        }

        (LayerWeightGradient.Base512<TWrite>(g) + s).Store(g);
    }

    /// <summary>Sixteen columns for a batch of four, the four rows of <c>dy</c> held in registers; the same
    /// operations in the same order as the general loop.</summary>
    private static void WeightGradientBatch4<TWrite>(int inW, int outW, float* x, float* dy, float* g, int ahead)
        where TWrite : struct, IGradientWrite
    {
        Vector512<float> d0 = Vector512.Load(dy), d1 = Vector512.Load(dy + outW);
        Vector512<float> d2 = Vector512.Load(dy + (2 * outW)), d3 = Vector512.Load(dy + (3 * outW));
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW;
        for (int i = 0; i < inW; i++, g += outW)
        {
            Vector512<float> s = Vector512.Create(x[i]) * d0;
            s = Vector512.FusedMultiplyAdd(Vector512.Create(x1[i]), d1, s);
            s = Vector512.FusedMultiplyAdd(Vector512.Create(x2[i]), d2, s);
            s = Vector512.FusedMultiplyAdd(Vector512.Create(x3[i]), d3, s);
            Store<TWrite>(g, s, ahead);
        }
    }
}
