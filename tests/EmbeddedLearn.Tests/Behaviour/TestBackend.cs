namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>The executors every behaviour test runs on.</summary>
public enum TestBackend
{
    /// <summary>The CPU executor.</summary>
    Cpu,

    /// <summary>The OpenCL executor on any OpenCL device (PoCL's CPU device included).</summary>
    OpenCl,
}
