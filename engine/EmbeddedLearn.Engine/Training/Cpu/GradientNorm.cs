using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// The sum of squares behind the guard's gradient norm, in double, in one canonical order whatever the vector width:
/// sixteen partial sums <c>s_j</c> (<c>j = 0..15</c>), <c>s_j</c> adding <c>g[16k + j]^2</c> for <c>k = 0, 1, ...</c>
/// over the whole blocks of sixteen; then <c>q_l = (s_l + s_{l+4}) + (s_{l+8} + s_{l+12})</c> for <c>l = 0..3</c>;
/// then <c>(q0 + q1) + (q2 + q3)</c>; then the last <c>n mod 16</c> squares added one by one. A float's square is
/// exact in double, so every add is the only rounding, and Vector256, Vector128 and scalar code give the same bits.
/// </summary>
internal static class GradientNorm
{
    /// <summary><c>sum g^2</c> in the canonical order.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> g) => SumOfSquares(g, SimdSupport.Best);

    /// <summary><c>sum g^2</c> on <paramref name="path"/> (or this machine's fastest, when narrower).</summary>
    public static double SumOfSquares(ReadOnlySpan<float> g, KernelPath path)
    {
        path = SimdSupport.Limit(path);
        int blocks = g.Length & ~15;
        double sum;
        if (path >= KernelPath.Vector256 && Vector256.IsHardwareAccelerated)
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

        for (int i = blocks; i < g.Length; i++)
        {
            sum += (double)g[i] * g[i];
        }

        return sum;
    }

    private static double Blocks256(ReadOnlySpan<float> g)
    {
        ref float r = ref MemoryMarshal.GetReference(g);
        Vector256<double> a0 = Vector256<double>.Zero, a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0; i < g.Length; i += 16)
        {
            Vector256<float> v = Vector256.LoadUnsafe(ref r, (nuint)i), u = Vector256.LoadUnsafe(ref r, (nuint)(i + 8));
            (Vector256<double> l0, Vector256<double> h0) = Vector256.Widen(v);
            (Vector256<double> l1, Vector256<double> h1) = Vector256.Widen(u);
            a0 += l0 * l0;
            a1 += h0 * h0;
            a2 += l1 * l1;
            a3 += h1 * h1;
        }

        Vector256<double> q = (a0 + a1) + (a2 + a3);
        return (q.GetElement(0) + q.GetElement(1)) + (q.GetElement(2) + q.GetElement(3));
    }

    private static double Blocks128(ReadOnlySpan<float> g)
    {
        ref float r = ref MemoryMarshal.GetReference(g);
        Vector128<double> c0 = Vector128<double>.Zero, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int i = 0; i < g.Length; i += 16)
        {
            (Vector128<double> w0, Vector128<double> w1) = Vector128.Widen(Vector128.LoadUnsafe(ref r, (nuint)i));
            (Vector128<double> w2, Vector128<double> w3) = Vector128.Widen(Vector128.LoadUnsafe(ref r, (nuint)(i + 4)));
            (Vector128<double> w4, Vector128<double> w5) = Vector128.Widen(Vector128.LoadUnsafe(ref r, (nuint)(i + 8)));
            (Vector128<double> w6, Vector128<double> w7) = Vector128.Widen(Vector128.LoadUnsafe(ref r, (nuint)(i + 12)));
            c0 += w0 * w0;
            c1 += w1 * w1;
            c2 += w2 * w2;
            c3 += w3 * w3;
            c4 += w4 * w4;
            c5 += w5 * w5;
            c6 += w6 * w6;
            c7 += w7 * w7;
        }

        // s_j sits in c_(j / 2) lane j % 2; q_0,1 = (c0 + c2) + (c4 + c6), q_2,3 = (c1 + c3) + (c5 + c7).
        Vector128<double> q01 = (c0 + c2) + (c4 + c6), q23 = (c1 + c3) + (c5 + c7);
        return (q01.GetElement(0) + q01.GetElement(1)) + (q23.GetElement(0) + q23.GetElement(1));
    }

    private static double BlocksScalar(ReadOnlySpan<float> g)
    {
        Span<double> s = stackalloc double[16];
        s.Clear();
        for (int i = 0; i < g.Length; i += 16)
        {
            for (int j = 0; j < 16; j++)
            {
                s[j] += (double)g[i + j] * g[i + j];
            }
        }

        Span<double> q = stackalloc double[4];
        for (int l = 0; l < 4; l++)
        {
            q[l] = (s[l] + s[l + 4]) + (s[l + 8] + s[l + 12]);
        }

        return (q[0] + q[1]) + (q[2] + q[3]);
    }
}
