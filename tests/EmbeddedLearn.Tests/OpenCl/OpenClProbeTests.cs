using EmbeddedLearn.Backends;
using EmbeddedLearn.OpenCl;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>The probe: never throws, honours the selection, says why it declines.</summary>
public sealed class OpenClProbeTests
{
    [Fact]
    public void Probe_never_throws_and_reports_a_device_or_a_reason()
    {
        OpenClProbeResult result = OpenClProbe.Probe(new OpenClSelection { AllowCpuDevice = true, UseEnvironment = false });
        Assert.True(result.IsAvailable ? result.DeviceName is not null && result.ComputeUnits > 0 : result.Reason is not null);
    }

    [Fact]
    public void A_CPU_device_is_declined_unless_allowed()
    {
        OpenClTestDevice.Require();
        Assert.SkipWhen(OpenClTestDevice.Probe.DeviceKind != OpenClDeviceKind.Cpu, "The test device is not a CPU device.");
        OpenClProbeResult result = OpenClProbe.Probe(new OpenClSelection { UseEnvironment = false });
        Assert.False(result.IsAvailable);
        Assert.Contains("wanted type", result.Reason, StringComparison.Ordinal);
        using FallbackPipeline auto = TrainingBackends.CreatePipeline(BackendKind.Auto, true, null, out string description,
            new OpenClSelection { UseEnvironment = false });
        Assert.Equal(BackendKind.Cpu, auto.ActiveBackend);
        Assert.Contains("wanted type", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Devices_are_chosen_by_name_or_index_and_unknown_names_are_declined()
    {
        OpenClTestDevice.Require();
        OpenClProbeResult byIndex = OpenClProbe.Probe(new OpenClSelection { PlatformIndex = 0, DeviceIndex = 0, UseEnvironment = false });
        Assert.True(byIndex.IsAvailable, byIndex.Reason);
        string name = byIndex.DeviceName!;
        OpenClProbeResult byName = OpenClProbe.Probe(new OpenClSelection { DeviceName = name[..Math.Min(6, name.Length)].ToUpperInvariant(), UseEnvironment = false });
        Assert.True(byName.IsAvailable, byName.Reason);
        OpenClProbeResult missing = OpenClProbe.Probe(new OpenClSelection { DeviceName = "no-such-device-xyz", UseEnvironment = false });
        Assert.False(missing.IsAvailable);
        Assert.Contains("no-such-device-xyz", missing.Reason, StringComparison.Ordinal);
        OpenClProbeResult noPlatform = OpenClProbe.Probe(new OpenClSelection { PlatformName = "no-such-platform", UseEnvironment = false });
        Assert.Contains("platform", noPlatform.Reason, StringComparison.Ordinal);
    }
}
