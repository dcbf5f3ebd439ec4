namespace EmbeddedLearn.Backends;

/// <summary>Which backend runs the training pipeline.</summary>
public enum BackendKind
{
    /// <summary>OpenCL on a GPU (or an accelerator) when one is found and the kernels build; otherwise the CPU.
    /// An OpenCL CPU device is used only when <see cref="OpenCl.OpenClSelection.AllowCpuDevice"/> is set.</summary>
    Auto = 0,

    /// <summary>The CPU stages (SIMD, parallel over entity blocks): the reference.</summary>
    Cpu = 1,

    /// <summary>OpenCL explicitly: any device type, an OpenCL CPU device (such as PoCL) included; the CPU backend
    /// only when no OpenCL device works.</summary>
    OpenCl = 2,
}
