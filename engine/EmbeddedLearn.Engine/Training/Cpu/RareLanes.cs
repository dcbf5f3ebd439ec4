using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// What the emulated fused multiply-adds of a kernel's loop met
/// (<see cref="ExactMath.Fma(Vector128{float}, Vector128{float}, Vector128{float}, ref RareLanes)"/>): lanes whose double
/// sum may round to another float than the exact sum does. A kernel starts from <see cref="None"/> and, where
/// <see cref="ExactMath.AnyRare"/> says so after its loop, computes that work again in the reference form.
/// </summary>
/// <remarks>
/// Two accumulators, so that each check costs a few operations and no branch: <see cref="Halfway"/> ORs the masks of
/// the double sums that sit halfway between two floats (the AVX form, on 256-bit doubles); <see cref="Smallest"/> keeps
/// the least, per lane, of each result's magnitude bits plus <c>int.MaxValue</c> (wrapping), which falls below
/// <see cref="Limit"/> only for a nonzero result of at most 2^-126 (the float subnormal range and its edge). The SSE2
/// form, without AVX, records its halfway lanes in <see cref="Smallest"/> too, as <c>int.MinValue</c>.
/// </remarks>
internal struct RareLanes
{
    /// <summary>2^-126's bits + 1 + <c>int.MaxValue</c>, wrapped: a magnitude <c>m</c> in 1..2^-126's bits maps below
    /// it, zero and every larger magnitude (NaN included) above.</summary>
    internal const int Limit = unchecked(0x0080_0000 + 1 + int.MaxValue);

    /// <summary>The AVX form's halfway lanes: all ones in a lane whose double sum sat halfway between two floats.</summary>
    internal Vector256<double> Halfway;

    /// <summary>The least mapped magnitude per lane (see the remarks).</summary>
    internal Vector128<int> Smallest;

    /// <summary>Nothing met yet.</summary>
    public static RareLanes None
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new() { Halfway = Vector256<double>.Zero, Smallest = Vector128.Create(int.MaxValue) };
    }

    /// <summary>Whether any lane was met.</summary>
    public readonly bool Any
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector128.LessThanAny(Smallest, Vector128.Create(Limit)) || (Avx.IsSupported && Avx.MoveMask(Halfway) != 0);
    }
}
