using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Training.Cpu;
using Xunit;

namespace EmbeddedLearn.Tests.Kernels;

/// <summary>The project's own replacements for libm and for a missing FMA instruction: the emulated fused multiply-add
/// gives the correctly rounded result (the CPU's instruction, or the C runtime's fmaf, bit for bit) in its scalar form
/// and in its vector forms on SSE2 alone and with AVX, and the power Adam's bias correction takes is within a few
/// double ulp of <c>Math.Pow</c>.</summary>
public sealed class ExactMathTests
{
    [Fact]
    public void The_emulated_fma_equals_the_fused_instruction_bitwise()
    {
        var random = new Random(16);
        var a = new float[4];
        var b = new float[4];
        var c = new float[4];
        for (int n = 0; n < 400_000; n++)
        {
            for (int k = 0; k < 4; k++)
            {
                a[k] = Value(random);
                b[k] = Value(random);
                float product = a[k] * b[k];
                // Sums that cancel, that sit next to a rounding midpoint, or that are plainly random.
                c[k] = (n % 4) switch
                {
                    0 => -product,
                    1 => -product + (product * Scale(random, -30, -20)),
                    2 => BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(-product) + random.Next(-3, 4)),
                    _ => Value(random),
                };
            }

            Vector128<float> sse2 = ExactMath.FmaEmulated(false, Vector128.Create(a), Vector128.Create(b), Vector128.Create(c));
            Vector128<float> avx = ExactMath.FmaEmulated(true, Vector128.Create(a), Vector128.Create(b), Vector128.Create(c));
            for (int k = 0; k < 4; k++)
            {
                float expected = MathF.FusedMultiplyAdd(a[k], b[k], c[k]);
                Same(expected, ExactMath.FmaEmulated(a[k], b[k], c[k]), a[k], b[k], c[k], "scalar");
                Same(expected, sse2[k], a[k], b[k], c[k], "Vector128 on SSE2");
                Same(expected, avx[k], a[k], b[k], c[k], "Vector128 with AVX");
            }
        }
    }

    /// <summary>The classic double-rounding trap: <c>c + ulp(c) / 2 - tiny</c>, whose double sum is exactly the float
    /// midpoint and would round up to even, while the exact sum rounds down (and the mirror cases).</summary>
    [Fact]
    public void Sums_a_hair_from_a_float_midpoint_round_as_the_fused_instruction()
    {
        var random = new Random(61);
        int trapped = 0;
        for (int n = 0; n < 200_000; n++)
        {
            float c = Value(random);
            if (c == 0 || !float.IsNormal(c))
            {
                continue;
            }

            float halfUlp = (MathF.BitIncrement(Math.Abs(c)) - Math.Abs(c)) / 2;
            int j = random.Next(1, 1 << 12);
            float a = halfUlp * (1f - (j * MathF.Pow(2f, -23))) * (random.Next(2) == 0 ? 1 : -1);
            float b = 1f + (j * MathF.Pow(2f, -23) * (random.Next(2) == 0 ? 1 : -1));
            float expected = MathF.FusedMultiplyAdd(a, b, c);
            trapped += (float)(((double)a * b) + c) != expected ? 1 : 0; // the plain double sum gets it wrong
            Same(expected, ExactMath.FmaEmulated(a, b, c), a, b, c, "scalar");
            Same(expected, ExactMath.FmaEmulated(false, Vector128.Create(a), Vector128.Create(b), Vector128.Create(c))[1], a, b, c, "Vector128 on SSE2");
            Same(expected, ExactMath.FmaEmulated(true, Vector128.Create(a), Vector128.Create(b), Vector128.Create(c))[1], a, b, c, "Vector128 with AVX");
        }

        Assert.True(trapped > 1000, $"only {trapped} cases where rounding twice differs");
    }

    [Fact]
    public void Special_values_pass_through_as_the_fused_instruction_gives_them()
    {
        float[] specials = [0f, -0f, 1f, -1f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1e-20f, -3e-39f,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN, 2.5f, -7.75e30f];
        foreach (float a in specials)
        {
            foreach (float b in specials)
            {
                foreach (float c in specials)
                {
                    float expected = MathF.FusedMultiplyAdd(a, b, c);
                    Same(expected, ExactMath.FmaEmulated(a, b, c), a, b, c, "scalar");
                    Same(expected, ExactMath.FmaEmulated(false, Vector128.Create(a), Vector128.Create(b), Vector128.Create(c))[2], a, b, c, "Vector128 on SSE2");
                    Same(expected, ExactMath.FmaEmulated(true, Vector128.Create(a), Vector128.Create(b), Vector128.Create(c))[2], a, b, c, "Vector128 with AVX");
                }
            }
        }
    }

    /// <summary>The kernels' form (<see cref="RareLanes"/>): every lane it does not record equals the fused
    /// instruction, on this CPU's form and on the emulated AVX and SSE2 forms where this CPU runs them, over plain sums,
    /// cancelling ones, the midpoint traps and the trap at the float subnormal edge; and the emulated forms do record the
    /// traps the plain double sum falls into (this CPU's form is exact and records nothing with the instruction, and
    /// without SSE2).</summary>
    [Fact]
    public void The_kernels_form_records_every_lane_it_may_get_wrong()
    {
        var forms = new List<(string Name, bool Emulated, Func<Vector128<float>, Vector128<float>, Vector128<float>, RareLanes, (Vector128<float>, RareLanes)> Run)>
        {
            ("this CPU's", !ExactMath.HardwareFma && Sse2.IsSupported, (a, b, c, r) => (ExactMath.Fma(a, b, c, ref r), r)),
        };
        if (Sse2.IsSupported)
        {
            forms.Add(("SSE2", true, (a, b, c, r) => (ExactMath.FmaCommonCase(false, a, b, c, ref r), r)));
        }

        if (Avx.IsSupported)
        {
            forms.Add(("AVX", true, (a, b, c, r) => (ExactMath.FmaCommonCase(true, a, b, c, ref r), r)));
        }

        var random = new Random(23);
        var (a, b, c) = (new float[4], new float[4], new float[4]);
        var recordedTraps = new int[forms.Count];
        for (int n = 0; n < 100_000; n++)
        {
            for (int k = 0; k < 4; k++)
            {
                (a[k], b[k], c[k]) = Operands(random, (n + k) % 5);
            }

            for (int f = 0; f < forms.Count; f++)
            {
                (Vector128<float> result, RareLanes rare) = forms[f].Run(Vector128.Create(a), Vector128.Create(b), Vector128.Create(c), RareLanes.None);
                for (int k = 0; k < 4; k++)
                {
                    float expected = MathF.FusedMultiplyAdd(a[k], b[k], c[k]);
                    bool recorded = rare.Smallest[k] < RareLanes.Limit || BitConverter.DoubleToInt64Bits(rare.Halfway[k]) != 0;
                    Assert.False(recorded && !forms[f].Emulated, $"{forms[f].Name} form with the instruction recorded fma({a[k]:R}, {b[k]:R}, {c[k]:R})");
                    if (!recorded)
                    {
                        Same(expected, result[k], a[k], b[k], c[k], forms[f].Name + " form, unrecorded lane");
                    }
                    else if ((float)(((double)a[k] * b[k]) + c[k]) != expected)
                    {
                        recordedTraps[f]++;
                    }
                }
            }
        }

        for (int f = 0; f < forms.Count; f++)
        {
            Assert.True(!forms[f].Emulated || recordedTraps[f] > 1000, $"{forms[f].Name} form recorded only {recordedTraps[f]} traps");
        }
    }

    /// <summary>One lane's operands: plain, cancelling, a midpoint trap (see above), the trap at the float subnormal
    /// edge (<c>c</c> the largest subnormal, the exact sum a hair below the midpoint to 2^-126, the double sum on it), or a
    /// subnormal sum.</summary>
    private static (float A, float B, float C) Operands(Random random, int kind)
    {
        switch (kind)
        {
            case 0:
                return (Value(random), Value(random), Value(random));
            case 1:
                float a = Value(random), b = Value(random);
                return (a, b, -(a * b) + (a * b * Scale(random, -30, -20)));
            case 2:
                float c = 1f + (random.Next(1 << 23) * MathF.Pow(2f, -23));
                int j = random.Next(1, 1 << 12);
                float sign = random.Next(2) == 0 ? 1 : -1;
                return (MathF.Pow(2f, -24) * (1f - (j * MathF.Pow(2f, -23))) * sign, 1f + (j * MathF.Pow(2f, -23) * sign), c);
            case 3:
                float e = MathF.Pow(2f, -23);
                return (MathF.Pow(2f, -75) * (1f + e), MathF.Pow(2f, -75) * (1f - e), BitConverter.Int32BitsToSingle(0x007F_FFFF));
            default:
                return (MathF.Pow(2f, -70) * (1f + (random.Next(1 << 20) * MathF.Pow(2f, -23))), MathF.Pow(2f, -70), random.Next(-3, 4) * float.Epsilon);
        }
    }

    [Theory]
    [InlineData(0.9, 1)]
    [InlineData(0.9, 2)]
    [InlineData(0.999, 7)]
    [InlineData(0.999, 1000)]
    [InlineData(0.9, 123_456)]
    [InlineData(0.5, 0)]
    public void The_power_is_within_a_few_ulp_of_math_pow(double x, long n)
    {
        double expected = Math.Pow(x, n);
        double actual = ExactMath.Pow(x, n);
        Assert.True(Math.Abs(actual - expected) <= 1e-14 * Math.Abs(expected),
            $"{x}^{n}: {actual:R}, Math.Pow {expected:R}");
    }

    private static float Value(Random random) =>
        (float)(((random.NextDouble() * 2) - 1) * Scale(random, -45, 40));

    private static float Scale(Random random, int low, int high) => MathF.Pow(2f, random.Next(low, high));

    private static void Same(float expected, float actual, float a, float b, float c, string form)
    {
        bool same = BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual) || (float.IsNaN(expected) && float.IsNaN(actual));
        Assert.True(same, $"{form} fma({a:R}, {b:R}, {c:R}) = {actual:R}, fused {expected:R}");
    }
}
