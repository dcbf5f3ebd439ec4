namespace EmbeddedLearn.OpenCl;

/// <summary>The type of an OpenCL device.</summary>
public enum OpenClDeviceKind
{
    /// <summary>No device, or a type not listed here.</summary>
    Unknown = 0,

    /// <summary>A GPU.</summary>
    Gpu = 1,

    /// <summary>An accelerator (for example an FPGA or a DSP).</summary>
    Accelerator = 2,

    /// <summary>An OpenCL implementation running on the host CPU (for example PoCL).</summary>
    Cpu = 3,
}
