namespace EmbeddedLearn.Demos.Arena;

/// <summary>The backend asked for on the command line or from the page; <see cref="ArenaBackendKind"/> maps it to the
/// engine's own selection.</summary>
internal enum ArenaBackend
{
    /// <summary>The CPU stages.</summary>
    Cpu,

    /// <summary>OpenCL on any device (a CPU one such as PoCL included), else the CPU with the reason.</summary>
    OpenCl,

    /// <summary>OpenCL on a GPU or accelerator when there is one, else the CPU.</summary>
    Auto,
}
