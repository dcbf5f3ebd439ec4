using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// How the GPU family's <c>gpu_tick</c> covers an archetype, from the device's limits and the model (never fixed
/// numbers): <see cref="Lanes"/> work-items per entity (the widest layer rounded up to the kernel's preferred
/// multiple, so a 32-wide layer gets one warp), <see cref="EntitiesPerGroup"/> entities per work-group (as many as
/// the local memory, the work-group limit and <see cref="WarpsPerGroup"/> preferred multiples allow), and the local memory one entity takes
/// (<see cref="FloatsPerEntity"/>: parameters and gradients, samples, activations, outputs and two input-gradient
/// buffers of <c>B x max width</c>). A model too large for one entity's working set in local memory does not
/// <see cref="Fits"/>: its archetype then runs the CPU family's kernels on the same entity-major layout.
/// </summary>
internal sealed record GpuTilePlan
{
    /// <summary>Work-items per entity.</summary>
    public int Lanes { get; init; }

    /// <summary>Entities per work-group (the tile).</summary>
    public int EntitiesPerGroup { get; init; }

    /// <summary>Local memory floats per entity (even, so the next entity's region stays 8-byte aligned).</summary>
    public int FloatsPerEntity { get; init; }

    /// <summary>Whether the tile fits the device (at least one entity per group).</summary>
    public bool Fits => EntitiesPerGroup >= 1;

    /// <summary>Work-items per group.</summary>
    public int GroupSize => Lanes * EntitiesPerGroup;

    /// <summary>Bytes of each <c>__local</c> argument: the cache, the reduction lanes, the state copy and the control
    /// slots (Kernels/gpu.cl: CT_COUNT ints per entity).</summary>
    public long CacheBytes => (long)EntitiesPerGroup * FloatsPerEntity * sizeof(float);

    /// <summary>Bytes of the reduction scratch (one double per work-item).</summary>
    public long ReductionBytes => (long)GroupSize * sizeof(double);

    /// <summary>Bytes of the per-entity training-state copy.</summary>
    public long StateBytes => (long)EntitiesPerGroup * DeviceSettingsLayout.StateCount * sizeof(long);

    /// <summary>Bytes of the per-entity control slots.</summary>
    public long ControlBytes => (long)EntitiesPerGroup * ControlSlots * sizeof(int);

    /// <summary>The work-group size the tile aims at, in preferred multiples (warps): small groups keep a barrier
    /// cheap and let the scheduler mix groups on a compute unit; a CPU device's OpenCL compiler keeps every
    /// work-item's live values across barriers, so a large group costs it memory for nothing.</summary>
    public const int WarpsPerGroup = 4;

    /// <summary>The control slots per entity (CT_COUNT in Kernels/gpu.cl).</summary>
    public const int ControlSlots = 7;

    /// <summary>The plan for <paramref name="spec"/>'s model on a device with <paramref name="limits"/>.</summary>
    public static GpuTilePlan For(DeviceLimits limits, ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(spec);
        int maxGroup = Math.Max(1, Math.Min(limits.MaxWorkGroupSize, limits.GpuKernelWorkGroupSize > 0 ? limits.GpuKernelWorkGroupSize : limits.MaxWorkGroupSize));
        int multiple = Math.Max(1, limits.GpuPreferredMultiple > 0 ? limits.GpuPreferredMultiple : limits.PreferredMultiple);
        int widest = 1;
        for (int l = 0; l < spec.Layout.LayerCount; l++)
        {
            widest = Math.Max(widest, spec.Layout.LayerOutput(l));
        }

        int lanes = Math.Min(maxGroup, (widest + multiple - 1) / multiple * multiple);
        int floats = (2 * spec.Layout.ParameterCount) + spec.Inputs.ElementCount + spec.Activations.ElementCount
            + spec.Outputs.ElementCount + (2 * spec.Batch * spec.Layout.MaxWidth);
        floats += floats & 1;
        long perEntity = ((long)floats * sizeof(float)) + ((long)lanes * sizeof(double))
            + (DeviceSettingsLayout.StateCount * sizeof(long)) + (ControlSlots * sizeof(int));
        long available = limits.LocalMemoryBytes - limits.GpuKernelLocalBytes;
        int byMemory = (int)Math.Min(int.MaxValue, available / perEntity);
        // A CPU device's compiler runs a group's work-items as loops between barriers and may evaluate a condition it
        // takes for uniform once per group (PoCL does, for per-entity conditions read from local memory): a tile of
        // one entity keeps every per-entity condition uniform there, and a CPU gains nothing from larger groups.
        int byGroup = limits.DeviceKind == OpenClDeviceKind.Cpu ? 1 : Math.Max(1, Math.Min(maxGroup, WarpsPerGroup * multiple) / lanes);
        return new GpuTilePlan { Lanes = lanes, EntitiesPerGroup = Math.Min(byMemory, byGroup), FloatsPerEntity = floats };
    }
}
