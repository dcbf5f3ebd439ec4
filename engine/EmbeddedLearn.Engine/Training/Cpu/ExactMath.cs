using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

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
    /// constant. A non-short-circuit <c>|</c>: with <c>||</c> the JIT folds it too late to drop the dead branch of a
    /// caller such as <see cref="Fma(Vector128{float}, Vector128{float}, Vector128{float})"/> before it imports it, and
    /// there the software <see cref="Vector128.FusedMultiplyAdd(Vector128{float}, Vector128{float}, Vector128{float})"/>
    /// takes its arguments' addresses, which sends a kernel's accumulators to the stack.</summary>
    public static bool HardwareFma => System.Runtime.Intrinsics.X86.Fma.IsSupported | AdvSimd.Arm64.IsSupported;

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
    /// <c>a * b + c</c> correctly rounded, from double operations only: the product of two floats is exact in double,
    /// and the double sum <c>s</c> rounds to the right float unless it lands exactly on a float rounding boundary (rare:
    /// <see cref="NeedsRoundToOdd"/>). Then <c>s</c> and its exact error <c>e</c> (TwoSum) give the sum rounded to odd
    /// (<c>s</c>, moved one unit in the last place towards <c>e</c> when <c>e != 0</c> and <c>s</c> is even), and
    /// rounding that to float is the correctly rounded result (53 bits &gt;= 24 + 2). Infinities and NaN pass through
    /// as the fused instruction gives them.
    /// </summary>
    public static float FmaEmulated(float a, float b, float c)
    {
        double p = (double)a * b;
        double d = c;
        double s = p + d;
        long bits = BitConverter.DoubleToInt64Bits(s);
        if (!NeedsRoundToOdd(bits, s))
        {
            return (float)s; // s is no float rounding boundary, so it rounds to float as the exact sum does
        }

        double t = s - p;
        double e = (p - (s - t)) + (d - t);
        if (e != 0 && (bits & 1) == 0 && double.IsFinite(s))
        {
            bits += (e > 0) == (s > 0) ? 1 : -1;
        }

        return (float)BitConverter.Int64BitsToDouble(bits);
    }

    /// <summary>The double <paramref name="s"/> (with <paramref name="bits"/>) sits exactly halfway between two
    /// normal floats (its low 29 mantissa bits are 1 then zeros), or in the float subnormal range: only there can the
    /// rounded double sum round to another float than the exact sum, since no double lies between the exact sum and
    /// <paramref name="s"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool NeedsRoundToOdd(long bits, double s) =>
        (bits & HalfwayMask) == HalfwayBits || Math.Abs(s) < SmallestNormalFloat;

    private const long HalfwayMask = 0x1FFF_FFFF;
    private const long HalfwayBits = 0x1000_0000;
    private const double SmallestNormalFloat = 1.1754943508222875e-38; // 2^-126

    /// <summary><see cref="FmaEmulated(float, float, float)"/> lane-wise in double: the four lanes at once where the CPU
    /// has AVX, two at a time on SSE2 alone. The common case (no lane's double sum on a float rounding boundary, none in
    /// the float subnormal range) is a short sequence inlined into the kernel; the rare one goes to
    /// <see cref="FmaEmulatedRare"/>, out of line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> FmaEmulated(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        FmaEmulated(Avx.IsSupported, a, b, c);

    /// <summary><see cref="FmaEmulated(Vector128{float}, Vector128{float}, Vector128{float})"/> with its doubles on 256-bit
    /// vectors when <paramref name="avx"/> (which needs <see cref="Avx.IsSupported"/>), else on SSE2's 128-bit ones; the
    /// same bits either way (tests take both).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> FmaEmulated(bool avx, Vector128<float> a, Vector128<float> b, Vector128<float> c)
    {
        if (!Sse2.IsSupported)
        {
            return FmaEmulatedRare(a, b, c); // every CPU without fused multiply-add that has Vector128 is x86-64 (SSE2)
        }

        RareLanes rare = RareLanes.None;
        Vector128<float> f = FmaCommonCase(avx, a, b, c, ref rare);
        return rare.Any ? FmaEmulatedRare(a, b, c) : f;
    }

    /// <summary>
    /// <see cref="Fma(Vector128{float}, Vector128{float}, Vector128{float})"/> for a kernel's inner loop: where the CPU
    /// has the fused instruction, that instruction, and <paramref name="rare"/> is left alone; otherwise only the
    /// emulation's common case, inline and without a call (so that the loop's accumulators stay in registers), with the
    /// lanes where that case may be wrong (<see cref="NeedsRoundToOdd"/>) recorded in <paramref name="rare"/>. A kernel
    /// starts from <see cref="RareLanes.None"/> and, where <see cref="AnyRare"/> says so after its loop, computes that work
    /// again with the reference (the scalar <see cref="Fma(float, float, float)"/>, right in every case): the same bits as
    /// checking each operation, at a fraction of the cost, since such lanes are rare.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c, ref RareLanes rare)
    {
        if (HardwareFma)
        {
            return Vector128.FusedMultiplyAdd(a, b, c);
        }

        return Sse2.IsSupported ? FmaCommonCase(Avx.IsSupported, a, b, c, ref rare) : FmaEmulatedRare(a, b, c);
    }

    /// <summary>Whether <paramref name="rare"/> (from
    /// <see cref="Fma(Vector128{float}, Vector128{float}, Vector128{float}, ref RareLanes)"/>) met a lane: always false
    /// where the CPU has the fused instruction (a JIT-time constant, so the kernel's fallback is compiled away).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyRare(in RareLanes rare) => !HardwareFma && rare.Any;

    /// <summary>The emulation's common case for four lanes (needs <see cref="Sse2.IsSupported"/>): the double sum rounded
    /// to float, and recorded in <paramref name="rare"/> the lanes whose double sum lies halfway between two floats or
    /// whose result is a nonzero float of at most 2^-126 (a superset of the double sums below 2^-126; a zero result needs
    /// no check, since a double sum that rounds to a float zero is exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> FmaCommonCase(bool avx, Vector128<float> a, Vector128<float> b, Vector128<float> c,
        ref RareLanes rare)
    {
        Vector128<float> f;
        if (avx && Avx.IsSupported)
        {
            // AVX without AVX2 (Intel's Sandy and Ivy Bridge, or .NET told to leave AVX2 alone): the four lanes in one
            // 256-bit register of doubles. Halfway: the low 29 mantissa bits are 1 then zeros; tested on doubles of
            // exponent 0 (those bits over 1.0's exponent), which compare by their bits on every setting of the CPU's
            // denormal modes.
            Vector256<double> s = Avx.Add(Avx.Multiply(Avx.ConvertToVector256Double(a), Avx.ConvertToVector256Double(b)),
                Avx.ConvertToVector256Double(c));
            f = Avx.ConvertToVector128Single(s);
            Vector256<double> low = Avx.Or(Avx.And(s, Vector256.Create(HalfwayMask).AsDouble()), Vector256.Create(OneBits).AsDouble());
            rare.Halfway = Avx.Or(rare.Halfway, Avx.CompareEqual(low, Vector256.Create(OneBits | HalfwayBits).AsDouble()));
        }
        else
        {
            Vector128<double> s0 = Sse2.Add(Sse2.Multiply(Sse2.ConvertToVector128Double(a), Sse2.ConvertToVector128Double(b)),
                Sse2.ConvertToVector128Double(c));
            Vector128<double> s1 = Sse2.Add(Sse2.Multiply(Sse2.ConvertToVector128Double(Sse.MoveHighToLow(a, a)),
                Sse2.ConvertToVector128Double(Sse.MoveHighToLow(b, b))), Sse2.ConvertToVector128Double(Sse.MoveHighToLow(c, c)));
            f = Sse.MoveLowToHigh(Sse2.ConvertToVector128Single(s0), Sse2.ConvertToVector128Single(s1));

            // The low 29 mantissa bits all lie in each double's low 32-bit half; a halfway lane maps to int.MinValue.
            Vector128<int> low = Sse.Shuffle(s0.AsSingle(), s1.AsSingle(), 0b10_00_10_00).AsInt32();
            Vector128<int> halfway = Sse2.CompareEqual(Sse2.And(low, Vector128.Create((int)HalfwayMask)), Vector128.Create((int)HalfwayBits));
            rare.Smallest = Vector128.Min(rare.Smallest, Sse2.Xor(halfway, Vector128.Create(int.MaxValue)));
        }

        Vector128<int> magnitude = Sse2.And(f.AsInt32(), Vector128.Create(int.MaxValue));
        rare.Smallest = Vector128.Min(rare.Smallest, Sse2.Add(magnitude, Vector128.Create(int.MaxValue)));
        return f;
    }

    private const long OneBits = 0x3FF0_0000_0000_0000; // 1.0

    /// <summary><see cref="FmaEmulated(Vector128{float}, Vector128{float}, Vector128{float})"/> for any lanes, the rare
    /// ones included: every lane's double sum rounded to odd where it lands on a float rounding boundary.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector128<float> FmaEmulatedRare(Vector128<float> a, Vector128<float> b, Vector128<float> c)
    {
        (Vector128<double> a0, Vector128<double> a1) = Vector128.Widen(a);
        (Vector128<double> b0, Vector128<double> b1) = Vector128.Widen(b);
        (Vector128<double> c0, Vector128<double> c1) = Vector128.Widen(c);
        Vector128<double> p0 = a0 * b0, p1 = a1 * b1;
        Vector128<double> s0 = p0 + c0, s1 = p1 + c1;
        Vector128<long> mask = Vector128.Create(HalfwayMask), halfway = Vector128.Create(HalfwayBits);
        Vector128<double> small = Vector128.Create(SmallestNormalFloat);
        Vector128<long> slow = Vector128.Equals(s0.AsInt64() & mask, halfway) | Vector128.LessThan(Vector128.Abs(s0), small).AsInt64()
            | Vector128.Equals(s1.AsInt64() & mask, halfway) | Vector128.LessThan(Vector128.Abs(s1), small).AsInt64();
        if (slow == Vector128<long>.Zero)
        {
            return Vector128.Narrow(s0, s1); // see NeedsRoundToOdd
        }

        return Vector128.Narrow(RoundToOdd(p0, c0), RoundToOdd(p1, c1));
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
