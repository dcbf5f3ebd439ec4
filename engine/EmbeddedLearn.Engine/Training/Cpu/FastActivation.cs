using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// Hidden activations in float arithmetic, for the kernels' tile epilogues: the same operations in the same order
/// for Vector512, Vector256, Vector128 and scalars, so every path gives bitwise the same value for the same input on
/// every CPU. Only IEEE-exact operations (+, -, *, /, fused multiply-add: <see cref="ExactMath.Fma(float, float, float)"/>
/// in the scalar and Vector128 forms), never libm.
/// </summary>
/// <remarks>
/// <para>tanh: for <c>|x| &lt; 0.625</c> the odd polynomial <c>x + x z P(z)</c>, <c>z = x^2</c> (Cephes tanhf);
/// otherwise <c>1 - 2 / (e^{2|x|} + 1)</c> with <c>|x|</c> clamped to 10 (where tanh rounds to 1); either with the
/// sign of <c>x</c> (so <c>tanh(-0) = -0</c>). A vector whose lanes all take the polynomial skips the exponential and the
/// division (the same bits: the selection would pick the polynomial in every lane).
/// sigmoid: <c>1 / (1 + e^{-x})</c> with <c>x</c> clamped to [-87, 87]. <c>e^t</c> is Cephes expf: <c>t = n ln2 + r</c>,
/// <c>e^r</c> by a degree-7 polynomial, scaled by <c>2^n</c> through the exponent bits. Maximum error against
/// <c>Math.Tanh</c> / the double sigmoid over dense sweeps: see FastActivationTests (a few ulp). NaN stays NaN.</para>
/// <para>relu and leaky_relu are exact; identity returns its input.</para>
/// </remarks>
internal static class FastActivation
{
    private const float SmallTanh = 0.625f;
    private const float TanhClamp = 10f;
    private const float SigmoidClamp = 87f;
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float RoundMagic = 12582912f; // 1.5 * 2^23: adding it rounds to an integer held in the low bits.
    private const float E0 = 1.9875691500e-4f, E1 = 1.3981999507e-3f, E2 = 8.3334519073e-3f;
    private const float E3 = 4.1665795894e-2f, E4 = 1.6666665459e-1f, E5 = 5.0000001201e-1f;
    private const float T0 = -5.70498872745e-3f, T1 = 2.06390887954e-2f, T2 = -5.37397155531e-2f;
    private const float T3 = 1.33314422036e-1f, T4 = -3.33332819422e-1f;

    /// <summary><c>f(z)</c> lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Apply(Activation activation, Vector512<float> z) => activation switch
    {
        Activation.Tanh => Tanh(z),
        Activation.Relu => Vector512.Max(z, Vector512<float>.Zero),
        Activation.LeakyRelu => Vector512.ConditionalSelect(Vector512.GreaterThan(z, Vector512<float>.Zero), z,
            z * ActivationNames.LeakyReluSlope),
        Activation.Sigmoid => Vector512<float>.One / (Vector512<float>.One + Exp(-Vector512.Min(Vector512.Max(z,
            Vector512.Create(-SigmoidClamp)), Vector512.Create(SigmoidClamp)))),
        _ => z,
    };

    /// <summary><c>f(z)</c> lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Activation activation, Vector256<float> z) => activation switch
    {
        Activation.Tanh => Tanh(z),
        Activation.Relu => Vector256.Max(z, Vector256<float>.Zero),
        Activation.LeakyRelu => Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.Zero), z,
            z * ActivationNames.LeakyReluSlope),
        Activation.Sigmoid => Vector256<float>.One / (Vector256<float>.One + Exp(-Vector256.Min(Vector256.Max(z,
            Vector256.Create(-SigmoidClamp)), Vector256.Create(SigmoidClamp)))),
        _ => z,
    };

    /// <summary><c>f(z)</c> lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Apply(Activation activation, Vector128<float> z) => activation switch
    {
        Activation.Tanh => Tanh(z),
        Activation.Relu => Vector128.Max(z, Vector128<float>.Zero),
        Activation.LeakyRelu => Vector128.ConditionalSelect(Vector128.GreaterThan(z, Vector128<float>.Zero), z,
            z * ActivationNames.LeakyReluSlope),
        Activation.Sigmoid => Sigmoid(z),
        _ => z,
    };

    /// <summary><c>f(z)</c> for one float: the reference the vector forms equal bitwise.</summary>
    public static float Apply(Activation activation, float z) => activation switch
    {
        Activation.Tanh => Tanh(z),
        Activation.Relu => float.IsNaN(z) ? z : Math.Max(z, 0f),
        Activation.LeakyRelu => z > 0f ? z : z * ActivationNames.LeakyReluSlope,
        Activation.Sigmoid => 1f / (1f + Exp(-Math.Clamp(z, -SigmoidClamp, SigmoidClamp))),
        _ => z,
    };

    /// <summary>tanh, lane-wise (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> ax = Vector512.Abs(x);
        Vector512<float> z = x * x;
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(
            Vector512.FusedMultiplyAdd(Vector512.Create(T0), z, Vector512.Create(T1)), z, Vector512.Create(T2)), z,
            Vector512.Create(T3)), z, Vector512.Create(T4));
        Vector512<float> small = Vector512.FusedMultiplyAdd(x * z, p, x);
        if (Vector512.LessThanAll(ax, Vector512.Create(SmallTanh)))
        {
            return Vector512.ConditionalSelect(Vector512.Create(-0f), x, small); // every lane on the polynomial: no exponential
        }

        Vector512<float> e = Exp(Vector512.Min(ax, Vector512.Create(TanhClamp)) * 2f);
        Vector512<float> large = Vector512<float>.One - (Vector512.Create(2f) / (e + Vector512<float>.One));
        Vector512<float> magnitude = Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(SmallTanh)), small, large);
        return Vector512.ConditionalSelect(Vector512.Create(-0f), x, magnitude); // the sign bit of x, the rest of |tanh|
    }

    /// <summary>tanh, lane-wise (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> ax = Vector256.Abs(x);
        Vector256<float> z = x * x;
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(
            Vector256.FusedMultiplyAdd(Vector256.Create(T0), z, Vector256.Create(T1)), z, Vector256.Create(T2)), z,
            Vector256.Create(T3)), z, Vector256.Create(T4));
        Vector256<float> small = Vector256.FusedMultiplyAdd(x * z, p, x);
        if (Vector256.LessThanAll(ax, Vector256.Create(SmallTanh)))
        {
            return Vector256.ConditionalSelect(Vector256.Create(-0f), x, small); // every lane on the polynomial: no exponential
        }

        Vector256<float> e = Exp(Vector256.Min(ax, Vector256.Create(TanhClamp)) * 2f);
        Vector256<float> large = Vector256<float>.One - (Vector256.Create(2f) / (e + Vector256<float>.One));
        Vector256<float> magnitude = Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(SmallTanh)), small, large);
        return Vector256.ConditionalSelect(Vector256.Create(-0f), x, magnitude); // the sign bit of x, the rest of |tanh|
    }

    /// <summary>tanh, lane-wise (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        RareLanes rare = RareLanes.None; // see ExactMath.AnyRare
        Vector128<float> ax = Vector128.Abs(x);
        Vector128<float> z = x * x;
        Vector128<float> p = ExactMath.Fma(ExactMath.Fma(ExactMath.Fma(
            ExactMath.Fma(Vector128.Create(T0), z, Vector128.Create(T1), ref rare), z, Vector128.Create(T2), ref rare), z,
            Vector128.Create(T3), ref rare), z, Vector128.Create(T4), ref rare);
        Vector128<float> magnitude = ExactMath.Fma(x * z, p, x, ref rare);
        if (!Vector128.LessThanAll(ax, Vector128.Create(SmallTanh))) // not every lane on the polynomial: the exponential
        {
            Vector128<float> e = Exp(Vector128.Min(ax, Vector128.Create(TanhClamp)) * 2f, ref rare);
            Vector128<float> large = Vector128<float>.One - (Vector128.Create(2f) / (e + Vector128<float>.One));
            magnitude = Vector128.ConditionalSelect(Vector128.LessThan(ax, Vector128.Create(SmallTanh)), magnitude, large);
        }

        Vector128<float> y = Vector128.ConditionalSelect(Vector128.Create(-0f), x, magnitude); // the sign bit of x, the rest of |tanh|
        return ExactMath.AnyRare(rare) ? Lanes(Activation.Tanh, x) : y;
    }

    /// <summary>sigmoid, lane-wise (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sigmoid(Vector128<float> x)
    {
        RareLanes rare = RareLanes.None; // see ExactMath.AnyRare
        Vector128<float> t = -Vector128.Min(Vector128.Max(x, Vector128.Create(-SigmoidClamp)), Vector128.Create(SigmoidClamp));
        Vector128<float> y = Vector128<float>.One / (Vector128<float>.One + Exp(t, ref rare));
        return ExactMath.AnyRare(rare) ? Lanes(Activation.Sigmoid, x) : y;
    }

    /// <summary><paramref name="activation"/> lane by lane in the scalar form: where a vector form's emulated fused
    /// multiply-add met a rare lane.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector128<float> Lanes(Activation activation, Vector128<float> x) => Vector128.Create(
        Apply(activation, x[0]), Apply(activation, x[1]), Apply(activation, x[2]), Apply(activation, x[3]));

    /// <summary>tanh of one float (see the class remarks).</summary>
    public static float Tanh(float x)
    {
        float ax = Math.Abs(x);
        float z = x * x;
        float p = ExactMath.Fma(ExactMath.Fma(ExactMath.Fma(
            ExactMath.Fma(T0, z, T1), z, T2), z, T3), z, T4);
        if (ax < SmallTanh)
        {
            return MathF.CopySign(ExactMath.Fma(x * z, p, x), x);
        }

        float e = Exp(Math.Min(ax, TanhClamp) * 2f);
        return float.IsNaN(x) ? x : MathF.CopySign(1f - (2f / (e + 1f)), x);
    }

    /// <summary><c>e^t</c> for <c>t</c> in [-87, 87] (Cephes expf), lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp(Vector512<float> t)
    {
        Vector512<float> shifted = Vector512.FusedMultiplyAdd(t, Vector512.Create(Log2E), Vector512.Create(RoundMagic));
        Vector512<float> n = shifted - Vector512.Create(RoundMagic);
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low),
            Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), t));
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(
            Vector512.FusedMultiplyAdd(Vector512.FusedMultiplyAdd(Vector512.Create(E0), r, Vector512.Create(E1)), r,
            Vector512.Create(E2)), r, Vector512.Create(E3)), r, Vector512.Create(E4)), r, Vector512.Create(E5));
        Vector512<float> y = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        Vector512<int> scale = (shifted.AsInt32() - Vector512.Create(RoundMagic).AsInt32() + Vector512.Create(127)) << 23;
        return y * scale.AsSingle();
    }

    /// <summary><c>e^t</c> for <c>t</c> in [-87, 87] (Cephes expf), lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp(Vector256<float> t)
    {
        Vector256<float> shifted = Vector256.FusedMultiplyAdd(t, Vector256.Create(Log2E), Vector256.Create(RoundMagic));
        Vector256<float> n = shifted - Vector256.Create(RoundMagic);
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low),
            Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), t));
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(
            Vector256.FusedMultiplyAdd(Vector256.FusedMultiplyAdd(Vector256.Create(E0), r, Vector256.Create(E1)), r,
            Vector256.Create(E2)), r, Vector256.Create(E3)), r, Vector256.Create(E4)), r, Vector256.Create(E5));
        Vector256<float> y = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        Vector256<int> scale = (shifted.AsInt32() - Vector256.Create(RoundMagic).AsInt32() + Vector256.Create(127)) << 23;
        return y * scale.AsSingle();
    }

    /// <summary><c>e^t</c> for <c>t</c> in [-87, 87] (Cephes expf), lane-wise; the emulated fused multiply-adds' rare
    /// lanes set in <paramref name="rare"/> (see ExactMath.AnyRare).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Exp(Vector128<float> t, ref RareLanes rare)
    {
        Vector128<float> shifted = ExactMath.Fma(t, Vector128.Create(Log2E), Vector128.Create(RoundMagic), ref rare);
        Vector128<float> n = shifted - Vector128.Create(RoundMagic);
        Vector128<float> r = ExactMath.Fma(n, Vector128.Create(-Ln2Low),
            ExactMath.Fma(n, Vector128.Create(-Ln2High), t, ref rare), ref rare);
        Vector128<float> p = ExactMath.Fma(ExactMath.Fma(ExactMath.Fma(ExactMath.Fma(ExactMath.Fma(
            Vector128.Create(E0), r, Vector128.Create(E1), ref rare), r, Vector128.Create(E2), ref rare), r,
            Vector128.Create(E3), ref rare), r, Vector128.Create(E4), ref rare), r, Vector128.Create(E5), ref rare);
        Vector128<float> y = ExactMath.Fma(p, r * r, r, ref rare) + Vector128<float>.One;
        Vector128<int> scale = (shifted.AsInt32() - Vector128.Create(RoundMagic).AsInt32() + Vector128.Create(127)) << 23;
        return y * scale.AsSingle();
    }

    /// <summary><c>e^t</c> for one float in [-87, 87] (Cephes expf).</summary>
    internal static float Exp(float t)
    {
        float shifted = ExactMath.Fma(t, Log2E, RoundMagic);
        float n = shifted - RoundMagic;
        float r = ExactMath.Fma(n, -Ln2Low, ExactMath.Fma(n, -Ln2High, t));
        float p = ExactMath.Fma(ExactMath.Fma(ExactMath.Fma(ExactMath.Fma(
            ExactMath.Fma(E0, r, E1), r, E2), r, E3), r, E4), r, E5);
        float y = ExactMath.Fma(p, r * r, r) + 1f;
        int scale = (BitConverter.SingleToInt32Bits(shifted) - BitConverter.SingleToInt32Bits(RoundMagic) + 127) << 23;
        return y * BitConverter.Int32BitsToSingle(scale);
    }
}
