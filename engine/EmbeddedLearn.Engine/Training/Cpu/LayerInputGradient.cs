using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// Back-propagates through one dense layer's weights and the previous layer's activation:
/// <c>dx[b, i] = f'(y[b, i]) sum_o wT[i, o] * dy[b, o]</c> with the transposed weight <c>wT</c> of shape
/// <c>[in, out]</c>, <c>dy</c> of <c>[B, out]</c>, the layer input's post-activation values <c>y</c> and <c>dx</c>
/// of <c>[B, in]</c> (overwritten), all row-major; <c>f'</c> from <see cref="ActivationKernels"/>, applied in the
/// epilogue.
/// </summary>
/// <remarks>
/// The canonical order of the sum, the same on every path, chosen by the layer's shape only:
/// <list type="bullet">
/// <item><c>out &lt; 8</c>: one chain, <c>s = wT[i, 0] dy[b, 0]</c>, then <c>s = fma(wT[i, o], dy[b, o], s)</c> for
/// <c>o = 1, 2, ...</c>;</item>
/// <item><c>out &gt;= 8</c>: eight partial sums, <c>p_k</c> from +0 taking <c>p_k = fma(wT[i, o], dy[b, o], p_k)</c> for
/// <c>o = k, k + 8, ...</c> over <c>out</c> rounded up to a multiple of 8 (zeros past the end), combined as
/// <c>((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))</c> (<see cref="SimdSupport"/>).</item>
/// </list>
/// The x86-64 path reduces eight dot products at a time into one vector of <c>dx</c> (after the FMA loop); where
/// <see cref="SimdSupport.Wide"/>, outputs of width 1 or 2 take Vector512 columns of <c>wT</c> and widths that are a
/// multiple of eight hold two samples' partial sums in one Vector512 (<see cref="LayerInputGradientWide"/>); other
/// narrow ones gather columns. The portable path holds each row's eight partial
/// sums in two Vector128s and reduces four rows with pairwise adds.
/// </remarks>
internal static unsafe partial class LayerInputGradient
{
    /// <summary>Runs the layer on <paramref name="path"/> (already limited to this machine's).</summary>
    public static void Run(KernelPath path, int batch, int inW, int outW, float* wT, float* dy, float* dx, float* y,
        Activation activation)
    {
        switch (path)
        {
            case KernelPath.Vector512:
            case KernelPath.Vector256:
                Vector(path == KernelPath.Vector512, batch, inW, outW, wT, dy, dx, y, activation);
                break;
            case KernelPath.Vector128 when outW >= 8 && outW % 8 == 0:
                Portable(batch, inW, outW, wT, dy, dx, y, activation);
                break;
            case KernelPath.Vector128 when outW < 8:
                int from = LayerGradientNarrowPortable.InputGradient(batch, inW, outW, wT, dy, dx, y, activation);
                Scalar(batch, inW, outW, wT, dy, dx, y, activation, from);
                break;
            default:
                Scalar(batch, inW, outW, wT, dy, dx, y, activation);
                break;
        }
    }

    /// <summary>The reference; with <paramref name="fromRow"/> its rows <c>i</c> from there on only.</summary>
    public static void Scalar(int batch, int inW, int outW, float* wT, float* dy, float* dx, float* y, Activation activation,
        int fromRow = 0)
    {
        for (int b = 0; b < batch && fromRow < inW; b++)
        {
            Rows(fromRow, inW, inW, outW, wT, dy + (b * outW), dx + (b * inW), y + (b * inW), activation);
        }
    }

    /// <summary>The reference for one sample's rows <c>i0..i1</c>: <c>dx[i]</c> from row <c>i</c> of <c>wT</c> and
    /// <c>d</c>, that sample's row of <c>dy</c>. Never inlined: the portable tiles call it as their rare fallback.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Rows(int i0, int i1, int inW, int outW, float* wT, float* d, float* dx, float* y, Activation activation)
    {
        float* p = stackalloc float[8];
        int padded = (outW + 7) & ~7;
        for (int i = i0; i < i1; i++)
        {
            float* w = wT + (i * outW);
            float s;
            if (outW < 8)
            {
                s = w[0] * d[0];
                for (int o = 1; o < outW; o++)
                {
                    s = ExactMath.Fma(w[o], d[o], s);
                }
            }
            else
            {
                for (int k = 0; k < 8; k++)
                {
                    p[k] = 0f;
                }

                for (int o = 0; o < padded; o++)
                {
                    p[o & 7] = o < outW ? ExactMath.Fma(w[o], d[o], p[o & 7]) : ExactMath.Fma(0f, 0f, p[o & 7]);
                }

                s = SimdSupport.Sum8(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
            }

            dx[i] = ActivationKernels.Backward(activation, y[i], s);
        }
    }

    /// <summary>The x86-64 path (needs <see cref="SimdSupport.Vector"/>): four rows of <c>wT</c> against two
    /// samples of <c>dy</c> at a time (eight rows for a last odd sample), the eight dot products reduced into one
    /// vector.</summary>
    private static void Vector(bool wide, int batch, int inW, int outW, float* wT, float* dy, float* dx, float* y, Activation activation)
    {
        switch (activation)
        {
            case Activation.Tanh:
                Vector<HiddenTanh>(wide, batch, inW, outW, wT, dy, dx, y);
                break;
            case Activation.Sigmoid:
                Vector<HiddenSigmoid>(wide, batch, inW, outW, wT, dy, dx, y);
                break;
            case Activation.Relu:
                Vector<HiddenRelu>(wide, batch, inW, outW, wT, dy, dx, y);
                break;
            case Activation.LeakyRelu:
                Vector<HiddenLeakyRelu>(wide, batch, inW, outW, wT, dy, dx, y);
                break;
            default:
                Vector<HiddenIdentity>(wide, batch, inW, outW, wT, dy, dx, y);
                break;
        }
    }

    /// <summary><see cref="Vector(bool, int, int, int, float*, float*, float*, float*, Activation)"/> compiled for one
    /// activation, <typeparamref name="TAct"/>.</summary>
    private static void Vector<TAct>(bool wide, int batch, int inW, int outW, float* wT, float* dy, float* dx, float* y)
        where TAct : struct, IHiddenActivation
    {
        Activation activation = TAct.Value;
        if (wide && outW <= 2)
        {
            LayerInputGradientWide.InputGradientNarrow(batch, inW, outW, wT, dy, dx, y, activation);
            return;
        }

        if (outW < 8)
        {
            Narrow<TAct>(batch, inW, outW, wT, dy, dx, y);
            return;
        }

        int full = outW & ~7;
        int lanes = outW - full;
        Vector256<float> mask = SimdSupport.LeadingMask(lanes == 0 ? 8 : lanes);
        int b = 0;
        for (; b + 2 <= batch; b += 2)
        {
            float* d = dy + (b * outW);
            float* x = dx + (b * inW), yb = y + (b * inW);
            int i = 0;
            for (; i + 4 <= inW; i += 4)
            {
                Vector256<float> r = wide && lanes == 0
                    ? LayerInputGradientWide.Rows4Samples2(outW, wT + (i * outW), d)
                    : Rows4Samples2(outW, full, lanes, mask, wT + (i * outW), d);
                r = ActivationKernels.Backward(activation, Vector256.Create(Vector128.Load(yb + i), Vector128.Load(yb + inW + i)), r);
                r.GetLower().Store(x + i);
                r.GetUpper().Store(x + inW + i);
            }

            for (; i < inW; i++)
            {
                x[i] = ActivationKernels.Backward(activation, yb[i], Dot(outW, full, lanes, mask, wT + (i * outW), d));
                x[inW + i] = ActivationKernels.Backward(activation, yb[inW + i], Dot(outW, full, lanes, mask, wT + (i * outW), d + outW));
            }
        }

        if (b < batch)
        {
            float* d = dy + (b * outW);
            float* x = dx + (b * inW), yb = y + (b * inW);
            int i = 0;
            for (; i + 8 <= inW; i += 8)
            {
                ActivationKernels.Backward(activation, Vector256.Load(yb + i), Rows8(outW, full, lanes, mask, wT + (i * outW), d)).Store(x + i);
            }

            for (; i < inW; i++)
            {
                x[i] = ActivationKernels.Backward(activation, yb[i], Dot(outW, full, lanes, mask, wT + (i * outW), d));
            }
        }
    }

    private static float Dot(int outW, int full, int lanes, Vector256<float> mask, float* w, float* d)
    {
        Vector256<float> a = Vector256<float>.Zero;
        for (int j = 0; j < full; j += 8)
        {
            a = Fma.MultiplyAdd(Avx.LoadVector256(w + j), Avx.LoadVector256(d + j), a);
        }

        if (lanes != 0)
        {
            a = Fma.MultiplyAdd(Avx.MaskLoad(w + full, mask), Avx.MaskLoad(d + full, mask), a);
        }

        return SimdSupport.Sum8(a);
    }

    /// <summary>Four rows of <c>wT</c> against two samples of <c>dy</c>: lanes 0..3 are <c>dx[b, i..i+4]</c>, lanes
    /// 4..7 are <c>dx[b + 1, i..i+4]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Rows4Samples2(int outW, int full, int lanes, Vector256<float> mask, float* w, float* d)
    {
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0;
        float* w1 = w + outW, w2 = w1 + outW, w3 = w2 + outW, e = d + outW;
        for (int j = 0; j < full; j += 8)
        {
            Vector256<float> dv = Avx.LoadVector256(d + j), ev = Avx.LoadVector256(e + j);
            Vector256<float> r = Avx.LoadVector256(w + j);
            a0 = Fma.MultiplyAdd(r, dv, a0);
            c0 = Fma.MultiplyAdd(r, ev, c0);
            r = Avx.LoadVector256(w1 + j);
            a1 = Fma.MultiplyAdd(r, dv, a1);
            c1 = Fma.MultiplyAdd(r, ev, c1);
            r = Avx.LoadVector256(w2 + j);
            a2 = Fma.MultiplyAdd(r, dv, a2);
            c2 = Fma.MultiplyAdd(r, ev, c2);
            r = Avx.LoadVector256(w3 + j);
            a3 = Fma.MultiplyAdd(r, dv, a3);
            c3 = Fma.MultiplyAdd(r, ev, c3);
        }

        if (lanes != 0)
        {
            Vector256<float> dv = Avx.MaskLoad(d + full, mask), ev = Avx.MaskLoad(e + full, mask);
            Vector256<float> r = Avx.MaskLoad(w + full, mask);
            a0 = Fma.MultiplyAdd(r, dv, a0);
            c0 = Fma.MultiplyAdd(r, ev, c0);
            r = Avx.MaskLoad(w1 + full, mask);
            a1 = Fma.MultiplyAdd(r, dv, a1);
            c1 = Fma.MultiplyAdd(r, ev, c1);
            r = Avx.MaskLoad(w2 + full, mask);
            a2 = Fma.MultiplyAdd(r, dv, a2);
            c2 = Fma.MultiplyAdd(r, ev, c2);
            r = Avx.MaskLoad(w3 + full, mask);
            a3 = Fma.MultiplyAdd(r, dv, a3);
            c3 = Fma.MultiplyAdd(r, ev, c3);
        }

        return SimdSupport.Sum8(a0, a1, a2, a3, c0, c1, c2, c3);
    }

    private static Vector256<float> Rows8(int outW, int full, int lanes, Vector256<float> mask, float* w, float* d)
    {
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        float* w1 = w + outW, w2 = w1 + outW, w3 = w2 + outW, w4 = w3 + outW, w5 = w4 + outW, w6 = w5 + outW, w7 = w6 + outW;
        for (int j = 0; j < full; j += 8)
        {
            Vector256<float> dv = Avx.LoadVector256(d + j);
            a0 = Fma.MultiplyAdd(Avx.LoadVector256(w + j), dv, a0);
            a1 = Fma.MultiplyAdd(Avx.LoadVector256(w1 + j), dv, a1);
            a2 = Fma.MultiplyAdd(Avx.LoadVector256(w2 + j), dv, a2);
            a3 = Fma.MultiplyAdd(Avx.LoadVector256(w3 + j), dv, a3);
            a4 = Fma.MultiplyAdd(Avx.LoadVector256(w4 + j), dv, a4);
            a5 = Fma.MultiplyAdd(Avx.LoadVector256(w5 + j), dv, a5);
            a6 = Fma.MultiplyAdd(Avx.LoadVector256(w6 + j), dv, a6);
            a7 = Fma.MultiplyAdd(Avx.LoadVector256(w7 + j), dv, a7);
        }

        if (lanes != 0)
        {
            Vector256<float> dv = Avx.MaskLoad(d + full, mask);
            a0 = Fma.MultiplyAdd(Avx.MaskLoad(w + full, mask), dv, a0);
            a1 = Fma.MultiplyAdd(Avx.MaskLoad(w1 + full, mask), dv, a1);
            a2 = Fma.MultiplyAdd(Avx.MaskLoad(w2 + full, mask), dv, a2);
            a3 = Fma.MultiplyAdd(Avx.MaskLoad(w3 + full, mask), dv, a3);
            a4 = Fma.MultiplyAdd(Avx.MaskLoad(w4 + full, mask), dv, a4);
            a5 = Fma.MultiplyAdd(Avx.MaskLoad(w5 + full, mask), dv, a5);
            a6 = Fma.MultiplyAdd(Avx.MaskLoad(w6 + full, mask), dv, a6);
            a7 = Fma.MultiplyAdd(Avx.MaskLoad(w7 + full, mask), dv, a7);
        }

        return SimdSupport.Sum8(a0, a1, a2, a3, a4, a5, a6, a7);
    }
}
