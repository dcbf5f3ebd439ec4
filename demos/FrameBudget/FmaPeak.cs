using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EmbeddedLearn.Demos.FrameBudget;

/// <summary>Measures one core's fp32 FMA peak: ten independent Vector256 FMA chains for a fixed time. Each chain
/// starts from a different value so the JIT cannot merge them.</summary>
internal static class FmaPeak
{
    private static float _sink;

    public static double MeasureGflops(TimeSpan duration)
    {
        double best = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            best = Math.Max(best, Run(20_000_000));
        }

        return best;
    }

    // Fully optimised from the first call: tier-0 code would spill the chains to the stack and halve the figure.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static double Run(long iterations)
    {
        Vector256<float> a = Vector256.Create(0.999999f);
        Vector256<float> b = Vector256.Create(1e-7f);
        Vector256<float> c0 = Vector256.Create(0f), c1 = Vector256.Create(1f), c2 = Vector256.Create(2f), c3 = Vector256.Create(3f),
            c4 = Vector256.Create(4f), c5 = Vector256.Create(5f), c6 = Vector256.Create(6f), c7 = Vector256.Create(7f),
            c8 = Vector256.Create(8f), c9 = Vector256.Create(9f);
        long start = Stopwatch.GetTimestamp();
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
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        // Publish the chains' result so the JIT cannot drop them as dead code.
        Volatile.Write(ref _sink, (c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9).GetElement(0));
        return iterations * 10.0 * Vector256<float>.Count * 2 / seconds / 1e9;
    }
}
