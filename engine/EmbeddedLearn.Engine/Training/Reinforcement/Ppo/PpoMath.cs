using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// The scalar maths PPO needs, written with IEEE-exact operations only (+ - * / sqrt and fused multiply-adds) so that
/// every CPU gives the same bits: <c>exp</c> (Cephes expf, as the activations use), <c>log</c> (Cephes logf), and a
/// standard normal draw (Marsaglia's polar method, which needs only log and sqrt).
/// </summary>
internal static class PpoMath
{
    /// <summary><c>0.5 ln(2 pi)</c>, the Gaussian log-density's constant per dimension.</summary>
    public const float HalfLogTwoPi = 0.918938533204672741780329736406f;

    private const float SqrtHalf = 0.707106781186547524f;

    /// <summary><c>e^x</c>, for x clamped to [-87, 87] (beyond it float under- or overflows anyway); NaN stays NaN.</summary>
    public static float Exp(float x) => float.IsNaN(x) ? x : FastActivation.Exp(Math.Clamp(x, -87f, 87f));

    /// <summary>The natural logarithm (Cephes logf, about 1 ulp): <c>log 0 = -inf</c>, NaN for negative or NaN,
    /// <c>+inf</c> for <c>+inf</c>.</summary>
    public static float Log(float x)
    {
        if (!(x > 0f) || float.IsPositiveInfinity(x))
        {
            return x == 0f ? float.NegativeInfinity : float.IsPositiveInfinity(x) ? x : float.NaN;
        }

        int e = 0;
        if (x < 1.17549435E-38f) // below the smallest normal float
        {
            x *= 8388608f; // 2^23: a subnormal becomes normal
            e = -23;
        }

        int bits = BitConverter.SingleToInt32Bits(x);
        e += ((bits >> 23) & 0xff) - 126;
        float m = BitConverter.Int32BitsToSingle((bits & 0x007fffff) | 0x3f000000); // [0.5, 1)
        if (m < SqrtHalf)
        {
            e--;
            m = m + m - 1f;
        }
        else
        {
            m -= 1f;
        }

        float z = m * m;
        float y = ExactMath.Fma(ExactMath.Fma(ExactMath.Fma(ExactMath.Fma(ExactMath.Fma(ExactMath.Fma(ExactMath.Fma(ExactMath.Fma(
            7.0376836292E-2f, m, -1.1514610310E-1f), m, 1.1676998740E-1f), m, -1.2420140846E-1f), m, 1.4249322787E-1f), m,
            -1.6668057665E-1f), m, 2.0000714765E-1f), m, -2.4999993993E-1f), m, 3.3333331174E-1f) * m * z;
        float fe = e;
        y = ExactMath.Fma(fe, -2.12194440e-4f, y);
        y = ExactMath.Fma(-0.5f, z, y);
        return ExactMath.Fma(fe, 0.693359375f, m + y);
    }

    /// <summary>A standard normal draw from <paramref name="random"/> (Marsaglia's polar method: u, v uniform in
    /// (-1, 1) until <c>0 &lt; s = u^2 + v^2 &lt; 1</c>, then <c>u sqrt(-2 ln s / s)</c>; the second value is dropped so
    /// that each draw uses its own numbers).</summary>
    public static float Normal(ref SplitMix64 random)
    {
        while (true)
        {
            float u = (2f * random.NextSingle()) - 1f;
            float v = (2f * random.NextSingle()) - 1f;
            float s = ExactMath.Fma(u, u, v * v);
            if (s > 0f && s < 1f)
            {
                return u * MathF.Sqrt(-2f * Log(s) / s);
            }
        }
    }
}
