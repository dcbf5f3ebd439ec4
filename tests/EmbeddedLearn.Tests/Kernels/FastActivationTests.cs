using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;
using Xunit;

namespace EmbeddedLearn.Tests.Kernels;

/// <summary>The float activations of the kernels' epilogues against double-precision truth over dense sweeps of
/// inputs, and the vector forms against the scalar one, bitwise.</summary>
public class FastActivationTests
{
    /// <summary>Every 97th float bit pattern of [-limit, limit] (about 11 million points for limit 12).</summary>
    private static float[] Sweep(float limit)
    {
        var values = new List<float>();
        int top = BitConverter.SingleToInt32Bits(limit);
        for (int bits = 0; bits <= top; bits += 97)
        {
            float v = BitConverter.Int32BitsToSingle(bits);
            values.Add(v);
            values.Add(-v);
        }

        return [.. values];
    }

    /// <summary>Distance from <paramref name="actual"/> to the double <paramref name="exact"/> in units of the float
    /// spacing at <paramref name="exact"/> (subnormal spacing below the normal range).</summary>
    private static double Ulps(float actual, double exact)
    {
        float rounded = (float)Math.Abs(exact);
        double ulp = MathF.BitIncrement(rounded) - rounded;
        return Math.Abs(actual - exact) / ulp;
    }

    private static (double Worst, float At) WorstUlps(Activation activation, float[] xs, Func<double, double> exact)
    {
        double worst = 0;
        float at = 0;
        foreach (float x in xs)
        {
            double e = Ulps(FastActivation.Apply(activation, x), exact(x));
            if (e > worst)
            {
                worst = e;
                at = x;
            }
        }

        return (worst, at);
    }

    [Fact]
    public void Tanh_is_within_two_ulp_of_math_tanh_over_a_dense_sweep()
    {
        (double worst, float at) = WorstUlps(Activation.Tanh, Sweep(12f), Math.Tanh);
        Assert.True(worst <= 2.0, $"tanh: {worst:F2} ulp at x = {at:R}");
    }

    [Fact]
    public void Sigmoid_is_within_three_ulp_of_the_double_sigmoid_over_a_dense_sweep()
    {
        float[] xs = Sweep(80f);
        (double worst, float at) = WorstUlps(Activation.Sigmoid, xs, x => 1 / (1 + Math.Exp(-x)));
        Assert.True(worst <= 3.0, $"sigmoid: {worst:F2} ulp at x = {at:R}");
    }

    /// <summary>Whether this process checks the 256- and 512-bit forms: always on x86-64, where some CPU's kernels take
    /// them (checked in software where this CPU lacks them); elsewhere only where they are hardware-accelerated, since
    /// the kernels take a width only then. Under QEMU an ARM64 process would spend most of this class's time on
    /// software forms its kernels never run.</summary>
    private static readonly bool WideForms = RuntimeInformation.ProcessArchitecture == Architecture.X64 || Vector256.IsHardwareAccelerated;

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.LeakyRelu)]
    [InlineData(Activation.Identity)]
    public void Vector_forms_equal_the_scalar_form_bitwise(Activation activation)
    {
        float[] xs = Sweep(100f);
        Array.Resize(ref xs, xs.Length & ~15);
        float[] special = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f];
        special.CopyTo(xs, xs.Length - special.Length);
        var expected = new float[16];
        var got = new float[16];
        for (int k = 0; k < xs.Length; k += 16)
        {
            for (int j = 0; j < 16; j++)
            {
                expected[j] = FastActivation.Apply(activation, xs[k + j]);
            }

            for (int q = 0; q < 16; q += 4)
            {
                FastActivation.Apply(activation, Vector128.Create(xs.AsSpan(k + q, 4))).CopyTo(got, q);
            }

            AssertLanes(activation, xs, k, expected, got, "Vector128");
            if (WideForms)
            {
                FastActivation.Apply(activation, Vector256.Create(xs.AsSpan(k, 8))).CopyTo(got, 0);
                FastActivation.Apply(activation, Vector256.Create(xs.AsSpan(k + 8, 8))).CopyTo(got, 8);
                AssertLanes(activation, xs, k, expected, got, "Vector256");
                FastActivation.Apply(activation, Vector512.Create(xs.AsSpan(k, 16))).CopyTo(got);
                AssertLanes(activation, xs, k, expected, got, "Vector512");
            }
        }
    }

    /// <summary>Fails unless the 16 lanes <paramref name="got"/> from the vector form <paramref name="form"/> equal
    /// <paramref name="expected"/>, the scalar form of <c>xs[k..k + 16]</c>, bit for bit.</summary>
    private static void AssertLanes(Activation activation, float[] xs, int k, float[] expected, float[] got, string form)
    {
        for (int j = 0; j < 16; j++)
        {
            if (BitConverter.SingleToInt32Bits(expected[j]) != BitConverter.SingleToInt32Bits(got[j]))
            {
                Assert.Fail($"{activation}({xs[k + j]:R}): scalar {expected[j]:R}, {form} {got[j]:R}");
            }
        }
    }

    [Fact]
    public void Tanh_vectors_all_on_the_polynomial_or_with_one_lane_past_it_give_every_lane_the_scalar_bits()
    {
        // The vector forms skip the exponential when every lane lies in |x| < 0.625: a vector wholly inside, and the same
        // vector with one lane moved past 0.625 (each position in turn, NaN included), must both match the scalar form.
        var random = new Random(7);
        for (int round = 0; round < 200; round++)
        {
            float[] xs = new float[16];
            for (int k = 0; k < xs.Length; k++)
            {
                xs[k] = (float)((random.NextDouble() * 1.24) - 0.62);
            }

            AssertTanhLanes(xs);
            int lane = round % 16;
            xs[lane] = round % 17 == 0 ? float.NaN : (round % 2 == 0 ? 1 : -1) * (0.625f + (float)(random.NextDouble() * 4));
            AssertTanhLanes(xs);
        }
    }

    private static void AssertTanhLanes(float[] xs)
    {
        Vector512<float> wide = FastActivation.Tanh(Vector512.Create(xs));
        Vector256<float> lo = FastActivation.Tanh(Vector256.Create(xs.AsSpan(0, 8))), hi = FastActivation.Tanh(Vector256.Create(xs.AsSpan(8, 8)));
        for (int j = 0; j < 16; j++)
        {
            int expected = BitConverter.SingleToInt32Bits(FastActivation.Tanh(xs[j]));
            float quarter = FastActivation.Tanh(Vector128.Create(xs.AsSpan(j & ~3, 4)))[j & 3];
            float narrow = j < 8 ? lo[j] : hi[j - 8];
            Assert.True(expected == BitConverter.SingleToInt32Bits(wide[j]) && expected == BitConverter.SingleToInt32Bits(narrow)
                && expected == BitConverter.SingleToInt32Bits(quarter),
                $"tanh({xs[j]:R}) in [{string.Join(", ", xs)}]: scalar {FastActivation.Tanh(xs[j]):R}, Vector512 {wide[j]:R}, Vector256 {narrow:R}, Vector128 {quarter:R}");
        }
    }

    [Theory]
    [InlineData(float.PositiveInfinity, 1f)]
    [InlineData(float.NegativeInfinity, -1f)]
    [InlineData(20f, 1f)]
    [InlineData(-20f, -1f)]
    [InlineData(0f, 0f)]
    public void Tanh_saturates_exactly_and_keeps_zero(float x, float expected) =>
        Assert.Equal(expected, FastActivation.Tanh(x));

    [Fact]
    public void Tanh_keeps_the_sign_of_zero_and_propagates_nan()
    {
        Assert.True(float.IsNegative(FastActivation.Tanh(-0f)));
        Assert.True(float.IsNaN(FastActivation.Tanh(float.NaN)));
        Assert.True(float.IsNaN(FastActivation.Tanh(Vector512.Create(float.NaN))[3]));
        Assert.True(float.IsNaN(FastActivation.Apply(Activation.Sigmoid, Vector256.Create(float.NaN))[0]));
    }
}
