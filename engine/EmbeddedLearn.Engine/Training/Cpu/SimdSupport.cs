using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// Which code path the dense kernels take, and the lane masks for partial 8-float chunks. The vector path
/// needs AVX2 and FMA (masked loads and horizontal adds); everything else runs the scalar path, which gives
/// the same results within rounding.
/// </summary>
internal static unsafe class SimdSupport
{
    /// <summary>True when the Vector256 path (AVX2 + FMA) runs; a JIT-time constant.</summary>
    public static readonly bool Vector = Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported;

    /// <summary>True when the vector path also runs its Vector512 tiles (32 or 16 outputs per register row);
    /// chosen once, a JIT-time constant.</summary>
    public static readonly bool Wide = Vector && Vector512.IsHardwareAccelerated;

    /// <summary>Eight all-ones lanes then eight zero lanes: a mask of <c>r</c> leading lanes starts at <c>8 - r</c>.</summary>
    private static ReadOnlySpan<int> MaskTable => [-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>A mask whose first <paramref name="count"/> lanes (1..8) are all ones and the rest zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LeadingMask(int count) =>
        Vector256.LoadUnsafe(ref Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(MaskTable), 8 - count))
            .AsSingle();

    /// <summary>Sums each of eight vectors: lane <c>k</c> of the result is the sum of the eight lanes of <c>a_k</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sum8(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3,
        Vector256<float> a4, Vector256<float> a5, Vector256<float> a6, Vector256<float> a7)
    {
        Vector256<float> lo = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
        Vector256<float> hi = Avx.HorizontalAdd(Avx.HorizontalAdd(a4, a5), Avx.HorizontalAdd(a6, a7));
        return Avx.Permute2x128(lo, hi, 0x20) + Avx.Permute2x128(lo, hi, 0x31);
    }
}
