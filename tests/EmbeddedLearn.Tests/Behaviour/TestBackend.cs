using EmbeddedLearn.OpenCl;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>The executors every behaviour test runs on.</summary>
public enum TestBackend
{
    /// <summary>The CPU executor.</summary>
    Cpu,

    /// <summary>The OpenCL executor on any OpenCL device (PoCL's CPU device included), with the device's own kernel
    /// family.</summary>
    OpenCl,

    /// <summary>The OpenCL executor with the GPU kernel family forced (<see cref="OpenClKernelFamily.Gpu"/>), so that the
    /// GPU family's numbers and behaviour are checked on any device, PoCL's CPU device included.</summary>
    OpenClGpuKernels,
}
