namespace EmbeddedLearn.OpenCl;

/// <summary>What the device and the built kernels allow, queried once when the device is opened: the numbers the
/// work-group size is chosen from (see <see cref="WorkGroupPlan"/>).</summary>
internal sealed record DeviceLimits
{
    /// <summary>CL_DEVICE_TYPE, as the backend classifies it.</summary>
    public OpenClDeviceKind DeviceKind { get; init; }

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

    /// <summary>Entities per work-item (the kernels' VW): CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT on a CPU device, whose
    /// OpenCL compiler (PoCL) does not vectorise across work-items around the kernels' loops, so each work-item
    /// handles that many neighbouring entities with vector loads; 1 on a GPU or accelerator, where the hardware
    /// runs neighbouring work-items in lockstep and one work-item per entity coalesces. Always 1, 2, 4, 8 or 16.</summary>
    public int VectorWidth { get; init; } = 1;

    /// <summary>CL_DEVICE_LOCAL_MEM_SIZE in bytes: what the GPU family's tile of entities must fit in
    /// (<see cref="GpuTilePlan"/>).</summary>
    public long LocalMemoryBytes { get; init; }

    /// <summary>The GPU family's kernel: its CL_KERNEL_WORK_GROUP_SIZE (0 when the family is not built).</summary>
    public int GpuKernelWorkGroupSize { get; init; }

    /// <summary>The GPU family's kernel: its CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE (the warp or wavefront width;
    /// 0 when the family is not built).</summary>
    public int GpuPreferredMultiple { get; init; }

    /// <summary>The GPU family's kernel: CL_KERNEL_LOCAL_MEM_SIZE, the local memory it uses besides its arguments.</summary>
    public long GpuKernelLocalBytes { get; init; }

    /// <summary>Whether the device computes in double (cl_khr_fp64): the GPU family's reductions then take 8 bytes a
    /// lane.</summary>
    public bool SupportsDouble { get; init; }

    /// <summary>The entities per work-item for a device of <paramref name="kind"/> whose native float vector width is
    /// <paramref name="nativeFloatWidth"/> (see <see cref="VectorWidth"/>).</summary>
    public static int ChooseVectorWidth(OpenClDeviceKind kind, int nativeFloatWidth)
    {
        if (kind != OpenClDeviceKind.Cpu)
        {
            return 1;
        }

        int width = 1;
        while (width < 16 && width * 2 <= nativeFloatWidth)
        {
            width *= 2;
        }

        return width;
    }
}
