using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// Which code path the dense kernels take (<see cref="KernelPath"/>), the lane masks for partial 8-float chunks, and
/// the one reduction tree every path uses for eight partial sums:
/// <c>T(p) = ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))</c> (what two rounds of pairwise adds give on x86-64
/// and ARM64 alike).
/// </summary>
internal static unsafe class SimdSupport
{
    /// <summary>True when the Vector256 tiles (AVX2 + FMA) run; a JIT-time constant.</summary>
    public static readonly bool Vector = Vector256.IsHardwareAccelerated && Avx2.IsSupported && Fma.IsSupported;

    /// <summary>True when the vector path also runs its Vector512 tiles; a JIT-time constant.</summary>
    public static readonly bool Wide = Vector && Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>True when the portable Vector128 path runs in hardware; a JIT-time constant.</summary>
    public static readonly bool Portable = Vector128.IsHardwareAccelerated;

    /// <summary>The fastest path on this machine.</summary>
    public static readonly KernelPath Best =
        Wide ? KernelPath.Vector512 : Vector ? KernelPath.Vector256 : Portable ? KernelPath.Vector128 : KernelPath.Scalar;

    /// <summary><paramref name="requested"/>, or the fastest path this machine has when that is narrower.</summary>
    public static KernelPath Limit(KernelPath requested) => requested < Best ? requested : Best;

    /// <summary>Eight all-ones lanes then eight zero lanes: a mask of <c>r</c> leading lanes starts at <c>8 - r</c>.</summary>
    private static ReadOnlySpan<int> MaskTable => [-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>A mask whose first <paramref name="count"/> lanes (1..8) are all ones and the rest zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LeadingMask(int count) =>
        Vector256.LoadUnsafe(ref Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(MaskTable), 8 - count))
            .AsSingle();

    /// <summary>The first <paramref name="lanes"/> (1..8) floats at <paramref name="p"/>, the other lanes zero,
    /// <paramref name="mask"/> being <see cref="LeadingMask"/> of them: a plain load when all eight are wanted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> LoadLeading(float* p, Vector256<float> mask, int lanes) =>
        lanes == 8 ? Avx.LoadVector256(p) : Avx.MaskLoad(p, mask);

    /// <summary>Stores the first <paramref name="lanes"/> (1..8) lanes of <paramref name="value"/> at <paramref name="p"/>,
    /// <paramref name="mask"/> being <see cref="LeadingMask"/> of them: a plain store when all eight go, since a masked
    /// 256-bit store costs about ten times as much on AMD's cores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreLeading(float* p, Vector256<float> mask, int lanes, Vector256<float> value)
    {
        if (lanes == 8)
        {
            Avx.Store(p, value);
        }
        else
        {
            Avx.MaskStore(p, mask, value);
        }
    }

    /// <summary>Sums each of eight vectors: lane <c>k</c> of the result is <c>T(a_k)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sum8(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3,
        Vector256<float> a4, Vector256<float> a5, Vector256<float> a6, Vector256<float> a7)
    {
        Vector256<float> lo = PairSums(PairSums(a0, a1), PairSums(a2, a3));
        Vector256<float> hi = PairSums(PairSums(a4, a5), PairSums(a6, a7));
        return Avx.Permute2x128(lo, hi, 0x20) + Avx.Permute2x128(lo, hi, 0x31);
    }

    /// <summary>What <c>vhaddps</c> gives, <c>[a0 + a1, a2 + a3, b0 + b1, b2 + b3]</c> in each 128-bit half, as two
    /// shuffles and one add: the same sums, in fewer micro-ops than the instruction takes on AMD's cores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> PairSums(Vector256<float> a, Vector256<float> b) =>
        Avx.Shuffle(a, b, 0b10_00_10_00) + Avx.Shuffle(a, b, 0b11_01_11_01);

    /// <summary><c>T(a)</c> of one vector's eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum8(Vector256<float> a)
    {
        Vector256<float> h = Avx.HorizontalAdd(a, a);
        h = Avx.HorizontalAdd(h, h);
        return h.ToScalar() + h.GetUpper().ToScalar();
    }

    /// <summary>Pairwise sums <c>[a0 + a1, a2 + a3, b0 + b1, b2 + b3]</c> (one SSE3 or AdvSimd instruction).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> PairwiseAdd(Vector128<float> a, Vector128<float> b)
    {
        if (AdvSimd.Arm64.IsSupported)
        {
            return AdvSimd.Arm64.AddPairwise(a, b);
        }

        if (Sse3.IsSupported)
        {
            return Sse3.HorizontalAdd(a, b);
        }

        return Vector128.Create(a.GetElement(0) + a.GetElement(1), a.GetElement(2) + a.GetElement(3),
            b.GetElement(0) + b.GetElement(1), b.GetElement(2) + b.GetElement(3));
    }

    /// <summary>Four rows of eight partial sums (row <c>r</c>: lanes 0..3 in <c>lo_r</c>, 4..7 in <c>hi_r</c>):
    /// lane <c>r</c> of the result is <c>T</c> of row <c>r</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum8(Vector128<float> lo0, Vector128<float> hi0, Vector128<float> lo1, Vector128<float> hi1,
        Vector128<float> lo2, Vector128<float> hi2, Vector128<float> lo3, Vector128<float> hi3) =>
        PairwiseAdd(PairwiseAdd(PairwiseAdd(lo0, hi0), PairwiseAdd(lo1, hi1)), PairwiseAdd(PairwiseAdd(lo2, hi2), PairwiseAdd(lo3, hi3)));

    /// <summary><c>T(p)</c> of eight floats, in plain float code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum8(float p0, float p1, float p2, float p3, float p4, float p5, float p6, float p7) =>
        ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7));
}
