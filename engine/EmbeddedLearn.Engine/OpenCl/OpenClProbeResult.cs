using System.Globalization;

namespace EmbeddedLearn.OpenCl;

/// <summary>What <see cref="OpenClProbe.Probe"/> found: the chosen device and its capabilities, or why OpenCL
/// cannot be used (<see cref="Reason"/>, with the compiler's <see cref="BuildLog"/> when the kernels failed to build).</summary>
public sealed record OpenClProbeResult
{
    /// <summary>Whether a device was chosen and the kernels built on it.</summary>
    public bool IsAvailable { get; init; }

    /// <summary>Why OpenCL was declined (null when available).</summary>
    public string? Reason { get; init; }

    /// <summary>The compiler's log when the kernels failed to build (else null).</summary>
    public string? BuildLog { get; init; }

    /// <summary>The chosen platform's name (null when none was chosen).</summary>
    public string? PlatformName { get; init; }

    /// <summary>The chosen device's name (null when none was chosen).</summary>
    public string? DeviceName { get; init; }

    /// <summary>The chosen device's type.</summary>
    public OpenClDeviceKind DeviceKind { get; init; }

    /// <summary>The chosen device's compute units.</summary>
    public int ComputeUnits { get; init; }

    /// <summary>The chosen device's global memory, bytes.</summary>
    public long GlobalMemoryBytes { get; init; }

    /// <summary>The largest single buffer the device allows, bytes.</summary>
    public long MaxAllocationBytes { get; init; }

    /// <summary>CL_DEVICE_LOCAL_MEM_SIZE in bytes: the GPU kernel family keeps a tile of entities' parameters and
    /// gradients there.</summary>
    public long LocalMemoryBytes { get; init; }

    /// <summary>Whether the device supports double precision (Adam's bias corrections use it when present).</summary>
    public bool SupportsDouble { get; init; }

    /// <summary>Every platform and device seen, one line each (for logs).</summary>
    public IReadOnlyList<string> DevicesSeen { get; init; } = [];

    /// <summary>One line: the device chosen, or the reason none was.</summary>
    public override string ToString() => IsAvailable
        ? string.Format(CultureInfo.InvariantCulture, "OpenCL {0} '{1}' on platform '{2}' ({3} compute units, {4} MiB)",
            DeviceKind, DeviceName, PlatformName, ComputeUnits, GlobalMemoryBytes / (1024 * 1024))
        : "OpenCL unavailable: " + Reason;
}
