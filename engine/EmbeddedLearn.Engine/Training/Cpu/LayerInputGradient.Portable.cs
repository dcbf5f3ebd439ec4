using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>The portable Vector128 path of <see cref="LayerInputGradient"/> (ARM64, x86-64 without AVX2).</summary>
internal static unsafe partial class LayerInputGradient
{
    /// <summary>The portable Vector128 path for <c>out</c> a multiple of 8: four rows of <c>wT</c> against one
    /// sample of <c>dy</c> at a time, the last rows in the reference form.</summary>
    private static void Portable(int batch, int inW, int outW, float* wT, float* dy, float* dx, float* y, Activation activation)
    {
        int rows = inW & ~3;
        for (int b = 0; b < batch; b++)
        {
            float* d = dy + (b * outW);
            float* x = dx + (b * inW), yb = y + (b * inW);
            for (int i = 0; i < rows; i += 4)
            {
                Rows4Portable(i, inW, outW, wT, d, x, yb, activation);
            }

            if (rows < inW)
            {
                Rows(rows, inW, inW, outW, wT, d, x, yb, activation);
            }
        }
    }

    /// <summary>The portable path's rows <c>i..i+4</c> for one sample: each row's eight partial sums in two Vector128s,
    /// the four rows reduced with pairwise adds; where an emulated fused multiply-add met a rare lane, the four rows
    /// again in the reference form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the loop over the rows: a call per four rows costs more than it
    private static void Rows4Portable(int i, int inW, int outW, float* wT, float* d, float* dx, float* y, Activation activation)
    {
        float* w0 = wT + (i * outW), w1 = w0 + outW, w2 = w1 + outW, w3 = w2 + outW;
        Vector128<float> l0 = Vector128<float>.Zero, h0 = l0, l1 = l0, h1 = l0, l2 = l0, h2 = l0, l3 = l0, h3 = l0;
        RareLanes rare = RareLanes.None;
        for (int j = 0; j < outW; j += 8)
        {
            Vector128<float> dl = Vector128.Load(d + j), dh = Vector128.Load(d + j + 4);
            l0 = ExactMath.Fma(Vector128.Load(w0 + j), dl, l0, ref rare);
            h0 = ExactMath.Fma(Vector128.Load(w0 + j + 4), dh, h0, ref rare);
            l1 = ExactMath.Fma(Vector128.Load(w1 + j), dl, l1, ref rare);
            h1 = ExactMath.Fma(Vector128.Load(w1 + j + 4), dh, h1, ref rare);
            l2 = ExactMath.Fma(Vector128.Load(w2 + j), dl, l2, ref rare);
            h2 = ExactMath.Fma(Vector128.Load(w2 + j + 4), dh, h2, ref rare);
            l3 = ExactMath.Fma(Vector128.Load(w3 + j), dl, l3, ref rare);
            h3 = ExactMath.Fma(Vector128.Load(w3 + j + 4), dh, h3, ref rare);
        }

        if (ExactMath.AnyRare(rare))
        {
            Rows(i, i + 4, inW, outW, wT, d, dx, y, activation);
            return;
        }

        Vector128<float> r = SimdSupport.Sum8(l0, h0, l1, h1, l2, h2, l3, h3);
        ActivationKernels.Backward(activation, Vector128.Load(y + i), r).Store(dx + i);
    }
}
