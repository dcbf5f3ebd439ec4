using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>The portable Vector128 path of <see cref="LayerForward"/> (ARM64, x86-64 without AVX2).</summary>
internal static unsafe partial class LayerForward
{
    /// <summary>The portable Vector128 path (ARM64, x86-64 without AVX2): four samples by eight or four outputs,
    /// the last outputs (fewer than four) and samples in the reference form.</summary>
    private static void Portable(int batch, int inW, int outW, float* wT, float* bias, float* x, float* y, Activation activation)
    {
        int b = 0;
        int vectorOutputs = outW & ~3;
        for (; b + 4 <= batch; b += 4)
        {
            float* xb = x + (b * inW), yb = y + (b * outW);
            int j = 0;
            for (; j + 8 <= outW; j += 8)
            {
                Rows4x8Portable(inW, outW, wT + j, bias + j, xb, yb + j, activation);
            }

            for (; j < vectorOutputs; j += 4)
            {
                Rows4x4Portable(inW, outW, wT + j, bias + j, xb, yb + j, activation);
            }
        }

        for (int r = b; r < batch; r++)
        {
            for (int j = 0; j < vectorOutputs; j += 4)
            {
                Vector128<float> a = Vector128.Load(bias + j);
                float* xr = x + (r * inW), w = wT + j;
                for (int i = 0; i < inW; i++, w += outW)
                {
                    a = ExactMath.Fma(Vector128.Create(xr[i]), Vector128.Load(w), a);
                }

                FastActivation.Apply(activation, a).Store(y + (r * outW) + j);
            }
        }

        Scalar(0, batch, vectorOutputs, outW, inW, outW, wT, bias, x, y, activation);
    }

    /// <summary>Samples <c>b..b+4</c> by outputs <c>j..j+8</c> (pointers offset to them); where an emulated fused
    /// multiply-add met a rare lane, the tile again in the reference form.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // its own register allocation
    private static void Rows4x8Portable(int inW, int outW, float* w, float* bias, float* x, float* y, Activation activation)
    {
        Vector128<float> bias0 = Vector128.Load(bias), bias1 = Vector128.Load(bias + 4);
        Vector128<float> a00 = bias0, a01 = bias1, a10 = bias0, a11 = bias1;
        Vector128<float> a20 = bias0, a21 = bias1, a30 = bias0, a31 = bias1;
        RareLanes rare = RareLanes.None;
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW, wT = w;
        for (int i = 0; i < inW; i++, w += outW)
        {
            Vector128<float> w0 = Vector128.Load(w), w1 = Vector128.Load(w + 4);
            Vector128<float> s = Vector128.Create(x[i]);
            a00 = ExactMath.Fma(s, w0, a00, ref rare);
            a01 = ExactMath.Fma(s, w1, a01, ref rare);
            s = Vector128.Create(x1[i]);
            a10 = ExactMath.Fma(s, w0, a10, ref rare);
            a11 = ExactMath.Fma(s, w1, a11, ref rare);
            s = Vector128.Create(x2[i]);
            a20 = ExactMath.Fma(s, w0, a20, ref rare);
            a21 = ExactMath.Fma(s, w1, a21, ref rare);
            s = Vector128.Create(x3[i]);
            a30 = ExactMath.Fma(s, w0, a30, ref rare);
            a31 = ExactMath.Fma(s, w1, a31, ref rare);
        }

        if (ExactMath.AnyRare(rare))
        {
            Scalar(0, 4, 0, 8, inW, outW, wT, bias, x, y, activation);
            return;
        }

        a00.Store(y);
        a01.Store(y + 4);
        a10.Store(y + outW);
        a11.Store(y + outW + 4);
        a20.Store(y + (2 * outW));
        a21.Store(y + (2 * outW) + 4);
        a30.Store(y + (3 * outW));
        a31.Store(y + (3 * outW) + 4);
        ActivateRows4(activation, outW, 8, y);
    }

    /// <summary>Samples <c>b..b+4</c> by outputs <c>j..j+4</c>, as <see cref="Rows4x8Portable"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // its own register allocation
    private static void Rows4x4Portable(int inW, int outW, float* w, float* bias, float* x, float* y, Activation activation)
    {
        Vector128<float> bv = Vector128.Load(bias);
        Vector128<float> a0 = bv, a1 = bv, a2 = bv, a3 = bv;
        RareLanes rare = RareLanes.None;
        float* x1 = x + inW, x2 = x1 + inW, x3 = x2 + inW, wT = w;
        for (int i = 0; i < inW; i++, w += outW)
        {
            Vector128<float> w0 = Vector128.Load(w);
            a0 = ExactMath.Fma(Vector128.Create(x[i]), w0, a0, ref rare);
            a1 = ExactMath.Fma(Vector128.Create(x1[i]), w0, a1, ref rare);
            a2 = ExactMath.Fma(Vector128.Create(x2[i]), w0, a2, ref rare);
            a3 = ExactMath.Fma(Vector128.Create(x3[i]), w0, a3, ref rare);
        }

        if (ExactMath.AnyRare(rare))
        {
            Scalar(0, 4, 0, 4, inW, outW, wT, bias, x, y, activation);
            return;
        }

        a0.Store(y);
        a1.Store(y + outW);
        a2.Store(y + (2 * outW));
        a3.Store(y + (3 * outW));
        ActivateRows4(activation, outW, 4, y);
    }

    /// <summary>The portable tiles' epilogue: <c>f</c> in place on four rows of <paramref name="width"/> (a multiple of
    /// four) outputs. Out of the tile, so that the tile's registers go to its accumulators: with the activations inlined
    /// in the tile, x86-64's sixteen vector registers spilled its accumulators for the whole loop (the 32-by-32 layer on
    /// the 128-bit path with the fused instruction took 708 ns instead of 295), and without the instruction the
    /// activation's emulated multiply-adds do not all inline, and a call in the tile sent them to the stack as well.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ActivateRows4(Activation activation, int outW, int width, float* y)
    {
        if (activation == Activation.Identity)
        {
            return;
        }

        for (int r = 0; r < 4; r++, y += outW)
        {
            for (int j = 0; j < width; j += 4)
            {
                FastActivation.Apply(activation, Vector128.Load(y + j)).Store(y + j);
            }
        }
    }
}
