namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The work-group size of an archetype's launches, chosen from the device's limits and the entity count (never a
/// fixed number): a multiple of the preferred multiple (whole warps or vectors), within the device's and every
/// kernel's limit, and as large as possible while the launch still gives each compute unit
/// <see cref="GroupsPerComputeUnit"/> groups (so that a unit has another group to run while one waits on memory).
/// Small archetypes get the preferred multiple itself. A work-item handles <see cref="DeviceLimits.VectorWidth"/>
/// entities; the launch is padded to whole groups (<see cref="GlobalSize"/>), independently of the stride
/// (<see cref="StrideAlignment"/>).
/// </summary>
internal static class WorkGroupPlan
{
    /// <summary>Groups per compute unit the plan aims for before it grows the group.</summary>
    public const int GroupsPerComputeUnit = 4;

    /// <summary>The work-group size, in work-items, for <paramref name="count"/> entities on a device with
    /// <paramref name="limits"/>.</summary>
    public static int LocalSize(DeviceLimits limits, int count)
    {
        ArgumentNullException.ThrowIfNull(limits);
        int cap = Math.Max(1, Math.Min(limits.MaxWorkGroupSize, limits.KernelWorkGroupSize));
        int multiple = Math.Max(1, limits.PreferredMultiple);
        if (multiple > cap)
        {
            return cap;
        }

        long items = CeilDiv(count, Math.Max(1, limits.VectorWidth));
        long wanted = (long)Math.Max(1, limits.ComputeUnits) * GroupsPerComputeUnit;
        int local = multiple;
        while ((long)local * 2 <= cap && CeilDiv(items, local * 2L) >= wanted)
        {
            local *= 2;
        }

        return local;
    }

    /// <summary>Work-items for <paramref name="count"/> entities at <paramref name="entitiesPerItem"/> per item,
    /// rounded up to whole groups of <paramref name="localSize"/>.</summary>
    public static int GlobalSize(int count, int entitiesPerItem, int localSize) =>
        (int)(CeilDiv(CeilDiv(count, entitiesPerItem), localSize) * localSize);

    /// <summary>The unit the stride is an odd multiple of (<see cref="InterleavedLayout.Stride"/>): one vector of
    /// entities on a CPU device (a cache line at 16 floats), one preferred multiple of work-items (a warp's
    /// coalesced segment) on a GPU. Not the work-group: a stride that is a multiple of a large group is a multiple
    /// of 4 KiB, and every element of an entity then falls in the same cache set (measured on PoCL: 16,384 entities
    /// ran 60 times slower than 1,024).</summary>
    public static int StrideAlignment(DeviceLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return limits.VectorWidth > 1 ? limits.VectorWidth : Math.Max(1, limits.PreferredMultiple);
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
