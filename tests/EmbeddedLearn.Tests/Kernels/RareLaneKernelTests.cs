using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;
using Xunit;

namespace EmbeddedLearn.Tests.Kernels;

/// <summary>
/// The kernels' tiles where the CPU has no fused multiply-add instruction (x86-64 under <c>DOTNET_EnableAVX2=0</c>, as
/// the instruction-set switch tests run this namespace): a tile whose emulated multiply-adds meet a lane they may round
/// wrong (a double sum halfway between two floats, a result at the float subnormal range) computes again in the reference
/// form, so every path still gives the fused instruction's bits. The operands are the classic trap: <c>c</c> in [1, 2)
/// plus <c>2^-24 (1 - j 2^-23) * (1 + j 2^-23)</c>, a hair below the midpoint to the next float, where the double sum lands
/// on the midpoint. With the instruction, the same checks hold for the plain tiles.
/// </summary>
public sealed unsafe class RareLaneKernelTests
{
    public static TheoryData<string, int> PathsAndWidths() => Widths(4, 8, 12, 16);

    /// <summary>The weight gradient's widths, the narrow layers' (one and two outputs) included.</summary>
    public static TheoryData<string, int> PathsAndGradientWidths() => Widths(1, 2, 4, 8, 12, 16);

    /// <summary>The narrow layers' widths.</summary>
    public static TheoryData<string, int> PathsAndNarrowWidths() => Widths(1, 2, 3, 5);

    private static TheoryData<string, int> Widths(params int[] widths)
    {
        var data = new TheoryData<string, int>();
        foreach (string path in DenseKernelTests.Paths)
        {
            foreach (int width in widths)
            {
                data.Add(path, width);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PathsAndWidths))]
    public void Forward_tiles_on_midpoint_traps_give_the_fused_bits(string pathName, int outW)
    {
        var random = new Random(outW);
        (float a, float b) = Trap(random);
        float[] x = [a, a, -a, a];
        float[] w = [.. Enumerable.Range(0, outW).Select(o => o % 3 == 0 ? -b : b)];
        float[] bias = [.. Enumerable.Range(0, outW).Select(_ => Mantissa(random))];
        var y = new float[4 * outW];
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            LayerForward.Run(SimdSupport.Limit(Enum.Parse<KernelPath>(pathName)), 4, 1, outW, pw, pb, px, py, Activation.Identity);
        }

        var expected = new float[y.Length];
        int trapped = 0;
        for (int k = 0; k < y.Length; k++)
        {
            (float xb, float wo, float c) = (x[k / outW], w[k % outW], bias[k % outW]);
            expected[k] = MathF.FusedMultiplyAdd(xb, wo, c);
            trapped += (float)(((double)xb * wo) + c) != expected[k] ? 1 : 0;
        }

        Assert.True(trapped > 0, "no output where rounding twice differs");
        KernelAssert.Bitwise(expected, y, $"{pathName} forward, {outW} outputs");
    }

    [Theory]
    [MemberData(nameof(PathsAndGradientWidths))]
    public void Weight_gradient_tiles_on_midpoint_traps_give_the_fused_bits(string pathName, int outW)
    {
        const int InW = 8;
        var random = new Random(100 + outW);
        (float a, float b) = Trap(random);
        // x[0, i] dy[0, o] = c_i exactly, then fma(x[1, i], dy[1, o], c_i) is the trap.
        float[] x = [.. Enumerable.Range(0, InW).Select(_ => Mantissa(random)), .. Enumerable.Repeat(a, InW)];
        float[] dy = [.. Enumerable.Repeat(1f, outW), .. Enumerable.Range(0, outW).Select(o => o % 2 == 0 ? b : -b)];
        var gW = new float[InW * outW];
        var gB = new float[outW];
        fixed (float* px = x, pd = dy, pg = gW, pgb = gB)
        {
            LayerWeightGradient.Run(SimdSupport.Limit(Enum.Parse<KernelPath>(pathName)), 2, InW, outW, px, pd, pg, pgb, accumulate: false);
        }

        var expected = new float[gW.Length];
        for (int i = 0; i < InW; i++)
        {
            for (int o = 0; o < outW; o++)
            {
                expected[(i * outW) + o] = 0f + MathF.FusedMultiplyAdd(x[InW + i], dy[outW + o], x[i] * dy[o]);
            }
        }

        KernelAssert.Bitwise(expected, gW, $"{pathName} weight gradient, {outW} outputs");
    }

    [Theory]
    [InlineData("Scalar")]
    [InlineData("Vector128")]
    [InlineData("Vector256")]
    [InlineData("Vector512")]
    public void Input_gradient_tiles_on_midpoint_traps_give_the_fused_bits(string pathName)
    {
        const int InW = 8, OutW = 16, Batch = 2;
        var random = new Random(7);
        (float a, float b) = Trap(random);
        // Partial sum k: fma(wT[i, k], dy[b, k], 0) = c exactly, then fma(wT[i, k + 8], dy[b, k + 8], c) is the trap.
        var wT = new float[InW * OutW];
        for (int i = 0; i < InW; i++)
        {
            for (int o = 0; o < OutW; o++)
            {
                wT[(i * OutW) + o] = o < 8 ? Mantissa(random) : b;
            }
        }

        float[] dy = [.. Enumerable.Range(0, Batch * OutW).Select(k => k % OutW < 8 ? 1f : (k % 3 == 0 ? -a : a))];
        var y = new float[Batch * InW];
        var dx = new float[Batch * InW];
        fixed (float* pw = wT, pd = dy, px = dx, py = y)
        {
            LayerInputGradient.Run(SimdSupport.Limit(Enum.Parse<KernelPath>(pathName)), Batch, InW, OutW, pw, pd, px, py, Activation.Identity);
        }

        var expected = new float[dx.Length];
        var p = new float[8];
        for (int s = 0; s < Batch; s++)
        {
            for (int i = 0; i < InW; i++)
            {
                for (int k = 0; k < 8; k++)
                {
                    float first = MathF.FusedMultiplyAdd(wT[(i * OutW) + k], dy[(s * OutW) + k], 0f);
                    p[k] = MathF.FusedMultiplyAdd(wT[(i * OutW) + k + 8], dy[(s * OutW) + k + 8], first);
                }

                expected[(s * InW) + i] = ((p[0] + p[1]) + (p[2] + p[3])) + ((p[4] + p[5]) + (p[6] + p[7]));
            }
        }

        KernelAssert.Bitwise(expected, dx, $"{pathName} input gradient");
    }

    /// <summary>The narrow forward pass (one or two outputs): eight partial sums over the inputs, then the bias; partial
    /// sum <c>k</c> is <c>fma(x[k + 8], wT[k + 8], x[k] wT[k])</c> with the trap in its second step.</summary>
    [Theory]
    [MemberData(nameof(PathsAndWidths))]
    [MemberData(nameof(PathsAndNarrowWidths))]
    public void Narrow_forward_rows_on_midpoint_traps_give_the_fused_bits(string pathName, int batch)
    {
        const int InW = 16;
        foreach (int outW in (int[])[1, 2])
        {
            var random = new Random((10 * batch) + outW);
            (float a, float b) = Trap(random);
            float[] x = [.. Enumerable.Range(0, batch * InW).Select(k => k % InW < 8 ? Mantissa(random) : (k % 3 == 0 ? -a : a))];
            float[] wT = [.. Enumerable.Range(0, InW * outW).Select(k => k / outW < 8 ? 1f : b)];
            float[] bias = [.. Enumerable.Range(0, outW).Select(_ => Mantissa(random))];
            var y = new float[batch * outW];
            fixed (float* px = x, pw = wT, pb = bias, py = y)
            {
                LayerForward.Run(SimdSupport.Limit(Enum.Parse<KernelPath>(pathName)), batch, InW, outW, pw, pb, px, py, Activation.Identity);
            }

            var expected = new float[y.Length];
            var p = new float[8];
            for (int s = 0; s < batch; s++)
            {
                for (int o = 0; o < outW; o++)
                {
                    for (int k = 0; k < 8; k++)
                    {
                        float first = MathF.FusedMultiplyAdd(x[(s * InW) + k], wT[(k * outW) + o], 0f);
                        p[k] = MathF.FusedMultiplyAdd(x[(s * InW) + k + 8], wT[((k + 8) * outW) + o], first);
                    }

                    expected[(s * outW) + o] = bias[o] + (((p[0] + p[4]) + (p[2] + p[6])) + ((p[1] + p[5]) + (p[3] + p[7])));
                }
            }

            KernelAssert.Bitwise(expected, y, $"{pathName} narrow forward, {outW} outputs, batch {batch}");
        }
    }

    /// <summary>The narrow input gradient (fewer than eight outputs): one chain, <c>s = wT[i, 0] dy[b, 0]</c> (here
    /// <c>c</c>), then the trap in its first fused multiply-add.</summary>
    [Theory]
    [MemberData(nameof(PathsAndNarrowWidths))]
    public void Narrow_input_gradient_rows_on_midpoint_traps_give_the_fused_bits(string pathName, int outW)
    {
        const int InW = 8, Batch = 3;
        var random = new Random(20 + outW);
        (float a, float b) = Trap(random);
        float[] wT = [.. Enumerable.Range(0, InW * outW).Select(k => k % outW == 0 ? Mantissa(random) : b)];
        float[] dy = [.. Enumerable.Range(0, Batch * outW).Select(k => k % outW == 0 ? 1f : (k % 2 == 0 ? -a : a))];
        var y = new float[Batch * InW];
        var dx = new float[Batch * InW];
        fixed (float* pw = wT, pd = dy, px = dx, py = y)
        {
            LayerInputGradient.Run(SimdSupport.Limit(Enum.Parse<KernelPath>(pathName)), Batch, InW, outW, pw, pd, px, py, Activation.Identity);
        }

        var expected = new float[dx.Length];
        for (int s = 0; s < Batch; s++)
        {
            for (int i = 0; i < InW; i++)
            {
                float sum = wT[i * outW] * dy[s * outW];
                for (int o = 1; o < outW; o++)
                {
                    sum = MathF.FusedMultiplyAdd(wT[(i * outW) + o], dy[(s * outW) + o], sum);
                }

                expected[(s * InW) + i] = sum;
            }
        }

        KernelAssert.Bitwise(expected, dx, $"{pathName} narrow input gradient, {outW} outputs");
    }

    /// <summary>A whole network whose sums lie in the float subnormal range (inputs and weights scaled by 2^-70, the
    /// biases by 2^-140): forward and backward on every path equal the scalar reference bitwise.</summary>
    [Theory]
    [InlineData("8-32-32-2/tanh", 4)]
    [InlineData("5-12-2/identity", 5)]
    [InlineData("3-40-33-24-5/leaky_relu", 4)]
    public void Networks_in_the_subnormal_range_give_the_reference_bits_on_every_path(string key, int batch)
    {
        string[] parts = key.Split('/');
        var c = new DenseCase(ModelLayout.Parse(parts[0], ActivationNames.Parse(parts[1])), batch, key.Length);
        float tiny = MathF.Pow(2f, -70);
        var torch = new float[c.Engine.Length];
        ParameterOrder.ExportTorch(c.Layout, c.Engine, torch);
        int at = 0;
        for (int layer = 0; layer < c.Layout.LayerCount; layer++)
        {
            int weights = c.Layout.Widths[layer] * c.Layout.Widths[layer + 1];
            for (int k = 0; k < weights + c.Layout.Widths[layer + 1]; k++, at++)
            {
                torch[at] *= k < weights ? tiny : tiny * tiny;
            }
        }

        ParameterOrder.ImportTorch(c.Layout, torch, c.Engine);
        for (int k = 0; k < c.Inputs.Length; k++)
        {
            c.Inputs[k] *= tiny;
        }

        (float[] scalarAct, float[] s) = c.Forward(KernelPath.Scalar);
        Assert.Contains(scalarAct, v => v != 0 && !float.IsNormal(v));
        float[] dOut = KernelAssert.RandomFloats(c.Random, c.Batch * c.Layout.OutputWidth);
        var scratch = new float[DenseBackward.ScratchLength(c.Layout, c.Batch)];
        var scalar = new float[c.Layout.ParameterCount];
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, scalarAct, dOut, scalar, scratch, KernelPath.Scalar);
        foreach (KernelPath path in (KernelPath[])[KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512])
        {
            (float[] vectorAct, float[] v) = c.Forward(path);
            KernelAssert.Bitwise(s, v, $"{c} {path} outputs");
            KernelAssert.Bitwise(scalarAct, vectorAct, $"{c} {path} activations");
            var vector = new float[c.Layout.ParameterCount];
            DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, scalarAct, dOut, vector, scratch, path);
            KernelAssert.Bitwise(scalar, vector, $"{c} {path} gradients");
        }
    }

    /// <summary><c>(2^-24 (1 - j 2^-23), 1 + j 2^-23)</c> for a random <c>j</c> below 256: their product, added to a
    /// <c>c</c> in [1, 2), is <c>j^2 2^-70</c> (less than half a double ulp) below the midpoint to the next float.</summary>
    private static (float A, float B) Trap(Random random)
    {
        int j = random.Next(1, 256);
        return (MathF.Pow(2f, -24) * (1f - (j * MathF.Pow(2f, -23))), 1f + (j * MathF.Pow(2f, -23)));
    }

    /// <summary>A random float in [1, 2).</summary>
    private static float Mantissa(Random random) => 1f + (random.Next(1 << 23) * MathF.Pow(2f, -23));
}
