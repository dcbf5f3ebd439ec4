using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// A finite check folded into a loop that already holds the values in registers (the optimizer steps, the OpenCL
/// gather's copy of the samples): <c>x - x</c> is +0 for every finite <c>x</c> and NaN for an infinity or a NaN, so
/// OR-ing it into an accumulator that starts at zero leaves the accumulator zero exactly when every value was finite.
/// Two instructions per vector, no branch.
/// </summary>
internal static class FiniteLanes
{
    /// <summary>+0 in every lane whose value is finite, a NaN where it is not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> NonFinite(Vector512<float> x) => x - x;

    /// <summary>+0 in every lane whose value is finite, a NaN where it is not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> NonFinite(Vector256<float> x) => x - x;

    /// <summary>+0 in every lane whose value is finite, a NaN where it is not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> NonFinite(Vector128<float> x) => x - x;

    /// <summary>+0 in every lane whose value is finite, a NaN where it is not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> NonFinite(Vector<float> x) => x - x;

    /// <summary>Whether an accumulator of <see cref="NonFinite(Vector{float})"/> results saw only finite values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(Vector<float> bad) => Vector.AsVectorInt32(bad) == Vector<int>.Zero;

    /// <summary>Whether an accumulator of <see cref="NonFinite(Vector512{float})"/> results saw only finite values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(Vector512<float> bad) => bad.AsInt32() == Vector512<int>.Zero;

    /// <summary>Whether an accumulator of <see cref="NonFinite(Vector256{float})"/> results saw only finite values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(Vector256<float> bad) => bad.AsInt32() == Vector256<int>.Zero;

    /// <summary>Whether an accumulator of <see cref="NonFinite(Vector128{float})"/> results saw only finite values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(Vector128<float> bad) => bad.AsInt32() == Vector128<int>.Zero;
}
