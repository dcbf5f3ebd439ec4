namespace EmbeddedLearn.Arena.Tests;

/// <summary>Bytes a piece of code allocates on the calling thread (other test classes may allocate meanwhile on theirs).</summary>
internal static class Allocations
{
    /// <summary>Runs <paramref name="warmUp"/> (past tiering and first-use allocations), then measures <paramref name="measured"/>.</summary>
    public static long OnThisThread(Action warmUp, Action measured)
    {
        warmUp();
        long before = GC.GetAllocatedBytesForCurrentThread();
        measured();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
