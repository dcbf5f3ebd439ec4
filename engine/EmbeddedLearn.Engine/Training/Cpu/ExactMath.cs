using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// Maths the kernels would otherwise take from the C runtime's libm, whose results may differ between platforms,
/// written with IEEE-exact operations only (+, -, *, /, sqrt, fma) so that every machine gives the same bits.
/// </summary>
internal static class ExactMath
{
    /// <summary><c>x^n</c> for <c>n &gt;= 0</c> by binary exponentiation in double: a fixed sequence of at most
    /// <c>2 log2(n)</c> products (relative error about <c>2 log2(n)</c> units in the last place of a double), the same
    /// on every machine.</summary>
    public static double Pow(double x, long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        double result = 1.0;
        double square = x;
        while (n != 0)
        {
            if ((n & 1) != 0)
            {
                result *= square;
            }

            n >>= 1;
            if (n != 0)
            {
                square *= square;
            }
        }

        return result;
    }

    /// <summary>True when the CPU fuses a multiply-add in one instruction (x86-64 FMA3, every ARM64); a JIT-time
    /// constant.</summary>
    public static bool HardwareFma => System.Runtime.Intrinsics.X86.Fma.IsSupported || AdvSimd.Arm64.IsSupported;

    /// <summary><c>a * b + c</c> rounded once: the CPU's instruction where it has one, otherwise
    /// <see cref="FmaEmulated(float, float, float)"/> (an x86-64 CPU without FMA3, or the runtime's intrinsics
    /// switched off), which gives the same bits far faster than the C runtime's <c>fmaf</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Fma(float a, float b, float c) => HardwareFma ? MathF.FusedMultiplyAdd(a, b, c) : FmaEmulated(a, b, c);

    /// <summary><see cref="Fma(float, float, float)"/> lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        HardwareFma ? Vector128.FusedMultiplyAdd(a, b, c) : FmaEmulated(a, b, c);

    /// <summary>
    /// <c>a * b + c</c> correctly rounded, from double operations only: the product of two floats is exact in double;
    /// the double sum <c>s</c> and its exact error <c>e</c> (TwoSum) give the sum rounded to odd (<c>s</c>, moved one
    /// unit in the last place towards <c>e</c> when <c>e != 0</c> and <c>s</c> is even), and rounding that to float
    /// is the correctly rounded result (53 bits &gt;= 24 + 2). Infinities and NaN pass through as the fused
    /// instruction gives them.
    /// </summary>
    public static float FmaEmulated(float a, float b, float c)
    {
        double p = (double)a * b;
        double d = c;
        double s = p + d;
        double t = s - p;
        double e = (p - (s - t)) + (d - t);
        long bits = BitConverter.DoubleToInt64Bits(s);
        if (e != 0 && (bits & 1) == 0 && double.IsFinite(s))
        {
            bits += (e > 0) == (s > 0) ? 1 : -1;
        }

        return (float)BitConverter.Int64BitsToDouble(bits);
    }

    /// <summary><see cref="FmaEmulated(float, float, float)"/> lane-wise, two lanes at a time in double.</summary>
    public static Vector128<float> FmaEmulated(Vector128<float> a, Vector128<float> b, Vector128<float> c)
    {
        (Vector128<double> a0, Vector128<double> a1) = Vector128.Widen(a);
        (Vector128<double> b0, Vector128<double> b1) = Vector128.Widen(b);
        (Vector128<double> c0, Vector128<double> c1) = Vector128.Widen(c);
        return Vector128.Narrow(RoundToOdd(a0 * b0, c0), RoundToOdd(a1 * b1, c1));
    }

    /// <summary><c>p + d</c> rounded to odd (see <see cref="FmaEmulated(float, float, float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> RoundToOdd(Vector128<double> p, Vector128<double> d)
    {
        Vector128<double> s = p + d;
        Vector128<double> t = s - p;
        Vector128<double> e = (p - (s - t)) + (d - t);
        Vector128<long> bits = s.AsInt64();
        Vector128<long> even = Vector128.Equals(bits & Vector128<long>.One, Vector128<long>.Zero);
        Vector128<long> inexact = ~Vector128.Equals(e, Vector128<double>.Zero).AsInt64();
        Vector128<long> finite = Vector128.LessThan(Vector128.Abs(s), Vector128.Create(double.PositiveInfinity)).AsInt64();
        Vector128<long> away = ~(Vector128.GreaterThan(e, Vector128<double>.Zero) ^ Vector128.GreaterThan(s, Vector128<double>.Zero)).AsInt64();
        Vector128<long> step = Vector128.ConditionalSelect(away, Vector128<long>.One, Vector128<long>.AllBitsSet);
        return (bits + (step & even & inexact & finite)).AsDouble();
    }
}
