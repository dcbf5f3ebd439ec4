namespace EmbeddedLearn.OpenCl;

/// <summary>Device time per stage (OpenCL profiling events), the fusion switch and the work-item mapping.</summary>
public sealed partial class OpenClBackend
{
    /// <summary>The device-time slots, in index order: the eight stage kernels (zero_grad, forward, mse_loss,
    /// backward, guard, sgd_step, adam_step, adamw_step), then fused_tick (stages fused into one launch) and layout
    /// (the per-tick conversions of samples and results between entity-major and interleaved order).</summary>
    public static IReadOnlyList<string> DeviceTimeSlots => DeviceProfiler.SlotNames;

    /// <summary>Whether consecutive device stages in the default order run as one fused launch per archetype (on by
    /// default). Off, every stage is its own launch, which gives device time per stage at the cost of more
    /// launches and memory traffic.</summary>
    public bool FuseStages
    {
        get => _device.FuseStages;
        set => _device.FuseStages = value;
    }

    /// <summary>The entities each work-item of the stage kernels handles (see <see cref="DeviceLimits.VectorWidth"/>).</summary>
    internal int VectorWidth => _device.Limits.VectorWidth;

    /// <summary>A backend whose kernels handle <paramref name="vectorWidth"/> entities per work-item whatever the
    /// device (tests run the GPU mapping, 1, on PoCL this way).</summary>
    /// <exception cref="OpenClException">No usable device; the message gives the probe's reason.</exception>
    internal static OpenClBackend CreateWithVectorWidth(OpenClSelection selection, int vectorWidth)
    {
        OpenClProbeResult probe = OpenClDevice.TryCreate(selection, vectorWidth, out OpenClDevice? device);
        return device is not null ? new OpenClBackend(device) : throw new OpenClException("The OpenCL backend is unavailable: " + probe.Reason);
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
