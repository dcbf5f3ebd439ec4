namespace EmbeddedLearn.Backends;

/// <summary>Which backend runs the training pipeline.</summary>
public enum BackendKind
{
    /// <summary>The faster of OpenCL and the CPU on the game's own world: when an OpenCL device is found and its kernels
    /// build, the first ticks run on each executor in turn (a warm-up of at least 3 ticks and 250 ms, then 8 timed ticks
    /// each) and the one with the lower median tick keeps running; it chooses again when the number of model entities doubles or halves. Without a
    /// usable device, the CPU. An OpenCL CPU device is considered only when
    /// <see cref="OpenCl.OpenClSelection.AllowCpuDevice"/> is set.</summary>
    Auto = 0,

    /// <summary>The CPU stages (SIMD, parallel over entity blocks): the reference.</summary>
    Cpu = 1,

    /// <summary>OpenCL explicitly: any device type, an OpenCL CPU device (such as PoCL) included; the CPU backend
    /// only when no OpenCL device works.</summary>
    OpenCl = 2,
}
