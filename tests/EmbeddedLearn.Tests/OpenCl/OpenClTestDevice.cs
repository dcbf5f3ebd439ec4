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

        Assert.SkipWhen(true, "No OpenCL device: " + probe.Reason);
    }

    public static OpenClBackend CreateBackend(OpenClSelection? selection = null)
    {
        Require();
        return OpenClBackend.Create(selection ?? Selection);
    }

    /// <summary>A backend with the <paramref name="kernels"/> family forced (checked: the backend runs it).</summary>
    public static OpenClBackend CreateBackend(OpenClKernelFamily kernels)
    {
        OpenClBackend backend = CreateBackend(Selection with { Kernels = kernels });
        Assert.Equal(kernels, backend.Kernels);
        return backend;
    }
}
