using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
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
    internal static Vector256<double> AddSquare(Vector256<double> a, Vector256<double> v) =>
        Fma.IsSupported ? Vector256.FusedMultiplyAdd(v, v, a) : a + (v * v);

    /// <summary>The four floats at <c>r[i..i+4]</c> as doubles: one converting load on x86-64 (no 256-bit load and
    /// extract of its upper half), the portable widening elsewhere; exact either way.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Widen4(ref float r, nuint i) => Avx.IsSupported
        ? Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref r, i))
        : Vector256.WidenLower(Vector128.LoadUnsafe(ref r, i).ToVector256Unsafe());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> AddSquare(Vector128<double> a, Vector128<double> v) =>
        Fma.IsSupported || AdvSimd.Arm64.IsSupported ? Vector128.FusedMultiplyAdd(v, v, a) : a + (v * v);

    private static double Blocks256(ReadOnlySpan<float> g)
    {
        ref float r = ref MemoryMarshal.GetReference(g);
        Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = 0; i < g.Length; i += 32)
        {
            a0 = AddSquare(a0, Widen4(ref r, (nuint)i));
            a1 = AddSquare(a1, Widen4(ref r, (nuint)(i + 4)));
            a2 = AddSquare(a2, Widen4(ref r, (nuint)(i + 8)));
            a3 = AddSquare(a3, Widen4(ref r, (nuint)(i + 12)));
            a4 = AddSquare(a4, Widen4(ref r, (nuint)(i + 16)));
            a5 = AddSquare(a5, Widen4(ref r, (nuint)(i + 20)));
            a6 = AddSquare(a6, Widen4(ref r, (nuint)(i + 24)));
            a7 = AddSquare(a7, Widen4(ref r, (nuint)(i + 28)));
        }

        return Reduce256(a0, a1, a2, a3, a4, a5, a6, a7);
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
        Span<Vector128<double>> c = stackalloc Vector128<double>[16];
        c.Clear();
        for (int i = 0; i < g.Length; i += 32)
        {
            for (int m = 0; m < 16; m += 2)
            {
                (Vector128<double> lo, Vector128<double> hi) = Vector128.Widen(Vector128.LoadUnsafe(ref r, (nuint)(i + (2 * m))));
                c[m] = AddSquare(c[m], lo);
                c[m + 1] = AddSquare(c[m + 1], hi);
            }
        }

        // s_j sits in c_(j / 2) lane j % 2: q_0,1 from the even c_m, q_2,3 from the odd ones.
        Vector128<double> q01 = ((c[0] + c[2]) + (c[4] + c[6])) + ((c[8] + c[10]) + (c[12] + c[14]));
        Vector128<double> q23 = ((c[1] + c[3]) + (c[5] + c[7])) + ((c[9] + c[11]) + (c[13] + c[15]));
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
