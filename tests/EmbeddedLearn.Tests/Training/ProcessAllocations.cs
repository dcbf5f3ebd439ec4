namespace EmbeddedLearn.Tests.Training;

/// <summary>
/// Counts what a piece of work allocates over the whole process (<c>GC.GetTotalAllocatedBytes(precise: true)</c>),
/// worker threads included. The test host's own threads (result reporting, protocol messages) allocate into the
/// same counter now and then, so the work is measured over several windows and the quietest one is reported: an
/// allocation the work makes every time shows in every window, the host's occasional ones do not.
/// </summary>
internal static class ProcessAllocations
{
    /// <summary>The fewest bytes the process allocated during any of <paramref name="windows"/> windows of
    /// <paramref name="repeats"/> calls of <paramref name="work"/>.</summary>
    public static long QuietestWindow(Action work, int repeats, int windows)
    {
        long fewest = long.MaxValue;
        for (int w = 0; w < windows && fewest > 0; w++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int k = 0; k < repeats; k++)
            {
                work();
            }

            fewest = Math.Min(fewest, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        return fewest;
    }

    /// <summary>Runs <paramref name="tick"/> <paramref name="warmUp"/> times (past tiered compilation's call-count threshold,
    /// so that the measured ticks run steady-state code), then asserts that pairs of ticks allocate nothing on this thread
    /// and, in the quietest of <paramref name="windows"/> windows, nothing in the whole process.</summary>
    public static void AssertSteadyTicksAllocateNothing(Action tick, int warmUp, int windows)
    {
        for (int i = 0; i < warmUp; i++)
        {
            tick();
        }

        long threadBefore = GC.GetAllocatedBytesForCurrentThread();
        long process = QuietestWindow(tick, repeats: 2, windows);
        Xunit.Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - threadBefore);
        Xunit.Assert.Equal(0, process);
    }
}
