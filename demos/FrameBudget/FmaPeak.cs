using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EmbeddedLearn.Demos.FrameBudget;

/// <summary>
/// Measures one core's fp32 FMA peak in GFLOP/s (2 FLOP per lane per fused multiply-add): twelve independent
/// FMA chains (<c>c_k = c_k * a + b</c>), Vector256 and, where the hardware accelerates it, Vector512; the
/// faster of the two is the peak.
/// </summary>
/// <remarks>
/// Each chain loop is a separate non-inlined method that contains no call, so its twelve accumulators live in
/// registers for the whole loop (a call inside the live range would force them to the stack: every vector
/// register is caller-saved). It is timed from outside. Checked with
/// <c>DOTNET_JitDisasm=Chains256 DOTNET_JitStdOutFile=...</c>: the loop body is twelve register-only
/// <c>vfmadd</c> instructions (docs/results/fma-peak.md), and the figure agrees with the C reference in
/// docs/machine-peak/.
/// </remarks>
internal static class FmaPeak
{
    private const int Chains = 12;
    private const long Iterations = 2_000_000; // ~3 ms a run: short runs catch quiet moments of a shared machine
    private static float _sink;

    /// <summary>The best GFLOP/s of repeated runs of both widths over about <paramref name="duration"/>.</summary>
    public static double MeasureGflops(TimeSpan duration)
    {
        double best = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            long start = Stopwatch.GetTimestamp();
            Vector256<float> r = Chains256(Iterations);
            best = Math.Max(best, Gflops(Vector256<float>.Count, Stopwatch.GetElapsedTime(start).TotalSeconds));
            _sink += r.GetElement(0);
            if (Vector512.IsHardwareAccelerated)
            {
                start = Stopwatch.GetTimestamp();
                Vector512<float> r512 = Chains512(Iterations / 2);
                best = Math.Max(best, Gflops(Vector512<float>.Count, Stopwatch.GetElapsedTime(start).TotalSeconds) / 2);
                _sink += r512.GetElement(0);
            }
        }

        return best;
    }

    private static double Gflops(int lanes, double seconds) => Iterations * Chains * lanes * 2.0 / seconds / 1e9;

    /// <summary>Twelve Vector256 chains of <paramref name="iterations"/> FMAs each; returns their sum so the JIT
    /// cannot drop them. Fully optimised from the first call (tier-0 code keeps locals on the stack).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static Vector256<float> Chains256(long iterations)
    {
        Vector256<float> a = Vector256.Create(0.999999f), b = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(0f), c1 = Vector256.Create(1f), c2 = Vector256.Create(2f), c3 = Vector256.Create(3f);
        Vector256<float> c4 = Vector256.Create(4f), c5 = Vector256.Create(5f), c6 = Vector256.Create(6f), c7 = Vector256.Create(7f);
        Vector256<float> c8 = Vector256.Create(8f), c9 = Vector256.Create(9f), c10 = Vector256.Create(10f), c11 = Vector256.Create(11f);
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, a, b);
            c1 = Vector256.FusedMultiplyAdd(c1, a, b);
            c2 = Vector256.FusedMultiplyAdd(c2, a, b);
            c3 = Vector256.FusedMultiplyAdd(c3, a, b);
            c4 = Vector256.FusedMultiplyAdd(c4, a, b);
            c5 = Vector256.FusedMultiplyAdd(c5, a, b);
            c6 = Vector256.FusedMultiplyAdd(c6, a, b);
            c7 = Vector256.FusedMultiplyAdd(c7, a, b);
            c8 = Vector256.FusedMultiplyAdd(c8, a, b);
            c9 = Vector256.FusedMultiplyAdd(c9, a, b);
            c10 = Vector256.FusedMultiplyAdd(c10, a, b);
            c11 = Vector256.FusedMultiplyAdd(c11, a, b);
        }

        return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
    }

    /// <summary>As <see cref="Chains256"/> with Vector512 (needs <see cref="Vector512.IsHardwareAccelerated"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static Vector512<float> Chains512(long iterations)
    {
        Vector512<float> a = Vector512.Create(0.999999f), b = Vector512.Create(1e-7f);
        Vector512<float> c0 = Vector512.Create(0f), c1 = Vector512.Create(1f), c2 = Vector512.Create(2f), c3 = Vector512.Create(3f);
        Vector512<float> c4 = Vector512.Create(4f), c5 = Vector512.Create(5f), c6 = Vector512.Create(6f), c7 = Vector512.Create(7f);
        Vector512<float> c8 = Vector512.Create(8f), c9 = Vector512.Create(9f), c10 = Vector512.Create(10f), c11 = Vector512.Create(11f);
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, a, b);
            c1 = Vector512.FusedMultiplyAdd(c1, a, b);
            c2 = Vector512.FusedMultiplyAdd(c2, a, b);
            c3 = Vector512.FusedMultiplyAdd(c3, a, b);
            c4 = Vector512.FusedMultiplyAdd(c4, a, b);
            c5 = Vector512.FusedMultiplyAdd(c5, a, b);
            c6 = Vector512.FusedMultiplyAdd(c6, a, b);
            c7 = Vector512.FusedMultiplyAdd(c7, a, b);
            c8 = Vector512.FusedMultiplyAdd(c8, a, b);
            c9 = Vector512.FusedMultiplyAdd(c9, a, b);
            c10 = Vector512.FusedMultiplyAdd(c10, a, b);
            c11 = Vector512.FusedMultiplyAdd(c11, a, b);
        }

        return c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
    }
}
