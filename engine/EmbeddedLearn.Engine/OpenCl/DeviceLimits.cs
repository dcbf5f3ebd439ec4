namespace EmbeddedLearn.OpenCl;

/// <summary>What the device and the built kernels allow, queried once when the device is opened: the numbers the
/// work-group size is chosen from (see <see cref="WorkGroupPlan"/>).</summary>
internal sealed record DeviceLimits
{
    /// <summary>CL_DEVICE_MAX_COMPUTE_UNITS.</summary>
    public int ComputeUnits { get; init; } = 1;

    /// <summary>CL_DEVICE_MAX_WORK_GROUP_SIZE.</summary>
    public int MaxWorkGroupSize { get; init; } = 1;

    /// <summary>The smallest CL_KERNEL_WORK_GROUP_SIZE over the kernels (register or private-memory pressure can
    /// make it lower than the device's limit).</summary>
    public int KernelWorkGroupSize { get; init; } = 1;

    /// <summary>The largest CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE over the kernels (the warp or wavefront
    /// width on a GPU, the vector width PoCL packs work-items into on a CPU).</summary>
    public int PreferredMultiple { get; init; } = 1;

    /// <summary>CL_DEVICE_LOCAL_MEM_SIZE in bytes. No kernel uses local memory, so it does not bound the
    /// work-group size today; it is recorded for the report and for kernels that will.</summary>
    public long LocalMemoryBytes { get; init; }
}
