using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// The sum of squares behind the guard's gradient norm, in double, in one canonical order whatever the vector width:
/// 32 partial sums <c>s_j</c> (<c>j = 0..31</c>), <c>s_j</c> adding <c>g[32k + j]^2</c> for <c>k = 0, 1, ...</c> over
/// the whole blocks of 32; then <c>q_l = ((s_l + s_{l+4}) + (s_{l+8} + s_{l+12})) + ((s_{l+16} + s_{l+20}) +
/// (s_{l+24} + s_{l+28}))</c> for <c>l = 0..3</c>; then <c>(q0 + q1) + (q2 + q3)</c>; then the last <c>n mod 32</c>
/// squares added one by one. A float's square is exact in double, so each add (fused or not) is the only rounding, and
/// Vector512, Vector256, Vector128 and scalar code give the same bits.
/// </summary>
internal static class GradientNorm
{
    /// <summary><c>sum g^2</c> in the canonical order.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> g) => SumOfSquares(g, SimdSupport.Best);

    /// <summary><c>sum g^2</c> on <paramref name="path"/> (or this machine's fastest, when narrower).</summary>
    public static double SumOfSquares(ReadOnlySpan<float> g, KernelPath path)
    {
        path = SimdSupport.Limit(path);
        int blocks = g.Length & ~31;
        double sum;
        if (path >= KernelPath.Vector512 && Vector512.IsHardwareAccelerated)
        {
            sum = Blocks512(g[..blocks]);
        }
        else if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated)
        {
            sum = Blocks256(g[..blocks]);
        }
        else if (path >= KernelPath.Vector128)
        {
            sum = Blocks128(g[..blocks]);
        }
        else
        {
            sum = BlocksScalar(g[..blocks]);
        }

        return AddTail(sum, g, blocks);
    }

    /// <summary><paramref name="sum"/> (the whole blocks' result) plus the squares of <c>g[from..]</c> added one by one:
    /// the canonical order's last part.</summary>
    internal static double AddTail(double sum, ReadOnlySpan<float> g, int from)
    {
        for (int i = from; i < g.Length; i++)
        {
            sum += (double)g[i] * g[i];
        }

        return sum;
    }

    /// <summary><c>a + v^2</c>: one fused instruction where there is one (the square is exact, so the bits are the
    /// same either way).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> AddSquare(Vector256<double> a, Vector256<double> v) =>
        Fma.IsSupported ? Vector256.FusedMultiplyAdd(v, v, a) : a + (v * v);

    /// <summary>The four floats at <c>r[i..i+4]</c> as doubles: one converting load on x86-64 (no 256-bit load and
    /// extract of its upper half), the portable widening elsewhere; exact either way.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Widen4(ref float r, nuint i) => Avx.IsSupported
        ? Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref r, i))
        : Vector256.WidenLower(Vector128.LoadUnsafe(ref r, i).ToVector256Unsafe());

    /// <inheritdoc cref="AddSquare(Vector256{double}, Vector256{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> AddSquare(Vector128<double> a, Vector128<double> v) =>
        ExactMath.HardwareFma ? Vector128.FusedMultiplyAdd(v, v, a) : a + (v * v);

    private static double Blocks256(ReadOnlySpan<float> g)
    {
        ref float r = ref MemoryMarshal.GetReference(g);
        Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = 0; i < g.Length; i += 32)
        {
            AddSquares(ref r, i, ref a0, ref a1);
            AddSquares(ref r, i + 8, ref a2, ref a3);
            AddSquares(ref r, i + 16, ref a4, ref a5);
            AddSquares(ref r, i + 24, ref a6, ref a7);
        }

        return Reduce256(a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /// <summary>The squares of the eight floats at <c>r[i..i+8]</c> added into <paramref name="low"/> (the first four) and
    /// <paramref name="high"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddSquares(ref float r, int i, ref Vector256<double> low, ref Vector256<double> high)
    {
        low = AddSquare(low, Widen4(ref r, (nuint)i));
        high = AddSquare(high, Widen4(ref r, (nuint)(i + 4)));
    }

    /// <summary>The whole blocks' result from the 32 partial sums held as <see cref="Blocks256"/> holds them (s_j in
    /// a_(j / 4) lane j % 4), reduced in the canonical tree.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Reduce256(Vector256<double> a0, Vector256<double> a1, Vector256<double> a2, Vector256<double> a3,
        Vector256<double> a4, Vector256<double> a5, Vector256<double> a6, Vector256<double> a7)
    {
        Vector256<double> q = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
        return (q.GetElement(0) + q.GetElement(1)) + (q.GetElement(2) + q.GetElement(3));
    }

    /// <summary>The blocks on 512-bit vectors: half the conversions of <see cref="Blocks256"/> (the float-to-double
    /// conversion, not the adds, bounds these loops).</summary>
    private static double Blocks512(ReadOnlySpan<float> g)
    {
        ref float r = ref MemoryMarshal.GetReference(g);
        Vector512<double> a0 = Vector512<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < g.Length; i += 32)
        {
            (Vector512<double> l0, Vector512<double> h0) = Vector512.Widen(Vector512.LoadUnsafe(ref r, (nuint)i));
            (Vector512<double> l1, Vector512<double> h1) = Vector512.Widen(Vector512.LoadUnsafe(ref r, (nuint)(i + 16)));
            a0 = Vector512.FusedMultiplyAdd(l0, l0, a0);
            a1 = Vector512.FusedMultiplyAdd(h0, h0, a1);
            a2 = Vector512.FusedMultiplyAdd(l1, l1, a2);
            a3 = Vector512.FusedMultiplyAdd(h1, h1, a3);
        }

        return Reduce512(a0, a1, a2, a3);
    }

    /// <summary>The whole blocks' result from the 32 partial sums held as <see cref="Blocks512"/> holds them (s_j in
    /// a_(j / 8) lane j % 8), reduced in the canonical tree.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Reduce512(Vector512<double> a0, Vector512<double> a1, Vector512<double> a2, Vector512<double> a3)
    {
        // The halves of a_k are Blocks256's a_(2k) and a_(2k+1).
        Vector256<double> q = ((a0.GetLower() + a0.GetUpper()) + (a1.GetLower() + a1.GetUpper()))
            + ((a2.GetLower() + a2.GetUpper()) + (a3.GetLower() + a3.GetUpper()));
        return (q.GetElement(0) + q.GetElement(1)) + (q.GetElement(2) + q.GetElement(3));
    }

    private static double Blocks128(ReadOnlySpan<float> g)
    {
        ref float r = ref MemoryMarshal.GetReference(g);
        Vector128<double> c0 = Vector128<double>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        Vector128<double> c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (int i = 0; i < g.Length; i += 32)
        {
            AddSquares(ref r, i, ref c0, ref c1);
            AddSquares(ref r, i + 4, ref c2, ref c3);
            AddSquares(ref r, i + 8, ref c4, ref c5);
            AddSquares(ref r, i + 12, ref c6, ref c7);
            AddSquares(ref r, i + 16, ref c8, ref c9);
            AddSquares(ref r, i + 20, ref c10, ref c11);
            AddSquares(ref r, i + 24, ref c12, ref c13);
            AddSquares(ref r, i + 28, ref c14, ref c15);
        }

        return Reduce128(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15);
    }

    /// <summary>The squares of the four floats at <c>r[i..i+4]</c> added into <paramref name="low"/> (the first two) and
    /// <paramref name="high"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AddSquares(ref float r, int i, ref Vector128<double> low, ref Vector128<double> high)
    {
        (Vector128<double> lo, Vector128<double> hi) = Vector128.Widen(Vector128.LoadUnsafe(ref r, (nuint)i));
        low = AddSquare(low, lo);
        high = AddSquare(high, hi);
    }

    /// <summary>The whole blocks' result from the 32 partial sums held as <see cref="Blocks128"/> holds them (s_j in
    /// c_(j / 2) lane j % 2), reduced in the canonical tree: q_0,1 from the even c_m, q_2,3 from the odd ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Reduce128(Vector128<double> c0, Vector128<double> c1, Vector128<double> c2, Vector128<double> c3,
        Vector128<double> c4, Vector128<double> c5, Vector128<double> c6, Vector128<double> c7, Vector128<double> c8,
        Vector128<double> c9, Vector128<double> c10, Vector128<double> c11, Vector128<double> c12, Vector128<double> c13,
        Vector128<double> c14, Vector128<double> c15)
    {
        Vector128<double> q01 = ((c0 + c2) + (c4 + c6)) + ((c8 + c10) + (c12 + c14));
        Vector128<double> q23 = ((c1 + c3) + (c5 + c7)) + ((c9 + c11) + (c13 + c15));
        return (q01.GetElement(0) + q01.GetElement(1)) + (q23.GetElement(0) + q23.GetElement(1));
    }

    private static double BlocksScalar(ReadOnlySpan<float> g)
    {
        Span<double> s = stackalloc double[32];
        s.Clear();
        for (int i = 0; i < g.Length; i += 32)
        {
            for (int j = 0; j < 32; j++)
            {
                s[j] += (double)g[i + j] * g[i + j];
            }
        }

        Span<double> q = stackalloc double[4];
        for (int l = 0; l < 4; l++)
        {
            q[l] = ((s[l] + s[l + 4]) + (s[l + 8] + s[l + 12])) + ((s[l + 16] + s[l + 20]) + (s[l + 24] + s[l + 28]));
        }

        return (q[0] + q[1]) + (q[2] + q[3]);
    }
}
