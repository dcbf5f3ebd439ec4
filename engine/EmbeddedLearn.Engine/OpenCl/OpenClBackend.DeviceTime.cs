namespace EmbeddedLearn.OpenCl;

/// <summary>Device time per stage (OpenCL profiling events) and the fusion switch.</summary>
public sealed partial class OpenClBackend
{
    /// <summary>The device-time slots, in index order: the six stage kernels (zero_grad, forward, mse_loss,
    /// backward, sgd_step, adam_step), then fused_tick (stages fused into one launch) and layout (the per-tick
    /// conversions of samples and results between entity-major and interleaved order).</summary>
    public static IReadOnlyList<string> DeviceTimeSlots => DeviceProfiler.SlotNames;

    /// <summary>Whether consecutive device stages in the default order run as one fused launch per archetype (on by
    /// default). Off, every stage is its own launch, which gives device time per stage at the cost of more
    /// launches and memory traffic.</summary>
    public bool FuseStages
    {
        get => _device.FuseStages;
        set => _device.FuseStages = value;
    }

    /// <summary>Device nanoseconds that the last completed tick spent in slot <paramref name="slot"/> of
    /// <see cref="DeviceTimeSlots"/>, summed over archetypes (kernel start to end, from profiling events).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is not an index of
    /// <see cref="DeviceTimeSlots"/>.</exception>
    public long LastTickDeviceNanoseconds(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, DeviceProfiler.SlotNames.Length);
        return _device.Profiler.LastTickNanoseconds(slot);
    }
}
