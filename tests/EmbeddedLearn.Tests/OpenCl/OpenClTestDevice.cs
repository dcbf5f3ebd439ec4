using EmbeddedLearn.OpenCl;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>The OpenCL device the tests use (any type, PoCL included); skips when there is none, fails instead
/// when EMBEDDEDLEARN_REQUIRE_OPENCL=1.</summary>
internal static class OpenClTestDevice
{
    private static readonly Lazy<OpenClProbeResult> ProbeResult = new(() => OpenClProbe.Probe(Selection));

    public static OpenClSelection Selection => new() { AllowCpuDevice = true };

    public static OpenClProbeResult Probe => ProbeResult.Value;

    public static void Require()
    {
        OpenClProbeResult probe = Probe;
        if (probe.IsAvailable)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("EMBEDDEDLEARN_REQUIRE_OPENCL") == "1")
        {
            Assert.Fail("EMBEDDEDLEARN_REQUIRE_OPENCL=1 but OpenCL is unavailable: " + probe.Reason);
        }

        Skip.If(true, "No OpenCL device: " + probe.Reason);
    }

    public static OpenClBackend CreateBackend(OpenClSelection? selection = null)
    {
        Require();
        return OpenClBackend.Create(selection ?? Selection);
    }

    /// <summary>The index of device-time slot <paramref name="slot"/> in <see cref="OpenClBackend.DeviceTimeSlots"/>.</summary>
    public static int SlotIndex(string slot)
    {
        for (int i = 0; i < OpenClBackend.DeviceTimeSlots.Count; i++)
        {
            if (OpenClBackend.DeviceTimeSlots[i] == slot)
            {
                return i;
            }
        }

        throw new InvalidOperationException("no device time slot " + slot);
    }
}
