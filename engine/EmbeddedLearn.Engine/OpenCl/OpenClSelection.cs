using System.Globalization;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// Which OpenCL platform and device to use. A platform or device is chosen by index (in the order OpenCL lists
/// them) or by a case-insensitive substring of its name; unset fields take the values of the environment variables
/// <c>EMBEDDEDLEARN_OPENCL_PLATFORM</c> and <c>EMBEDDEDLEARN_OPENCL_DEVICE</c> (an integer is an index, anything
/// else a name substring). Without a preference, a GPU is preferred, then an accelerator; an OpenCL CPU device
/// only when <see cref="AllowCpuDevice"/> is set.
/// </summary>
public sealed record OpenClSelection
{
    /// <summary>The environment variable naming the platform (index or name substring).</summary>
    public const string PlatformVariable = "EMBEDDEDLEARN_OPENCL_PLATFORM";

    /// <summary>The environment variable naming the device (index or name substring).</summary>
    public const string DeviceVariable = "EMBEDDEDLEARN_OPENCL_DEVICE";

    /// <summary>The environment variable forcing the kernel family: <c>gpu</c> or <c>cpu</c>
    /// (<see cref="OpenClKernelFamily"/>).</summary>
    public const string KernelsVariable = "EMBEDDEDLEARN_OPENCL_KERNELS";

    /// <summary>The kernel family to run, or null to choose by device (a GPU or accelerator runs
    /// <see cref="OpenClKernelFamily.Gpu"/>, a CPU device <see cref="OpenClKernelFamily.Cpu"/>), after
    /// <see cref="KernelsVariable"/>.</summary>
    public OpenClKernelFamily? Kernels { get; init; }

    /// <summary>A substring of the wanted platform's name, or null.</summary>
    public string? PlatformName { get; init; }

    /// <summary>The wanted platform's index, or null.</summary>
    public int? PlatformIndex { get; init; }

    /// <summary>A substring of the wanted device's name, or null.</summary>
    public string? DeviceName { get; init; }

    /// <summary>The wanted device's index within its platform, or null.</summary>
    public int? DeviceIndex { get; init; }

    /// <summary>Whether an OpenCL CPU device may be chosen. A device named explicitly (by name or index) is
    /// accepted whatever its type.</summary>
    public bool AllowCpuDevice { get; init; }

    /// <summary>Whether to read <see cref="PlatformVariable"/> and <see cref="DeviceVariable"/> for unset fields.
    /// Default true.</summary>
    public bool UseEnvironment { get; init; } = true;

    /// <summary>Test hook: makes chosen OpenCL operations fail.</summary>
    internal IOpenClFaultInjector? FaultInjector { get; init; }

    /// <summary>Test hook: replaces the embedded kernel source.</summary>
    internal string? KernelSourceOverride { get; init; }

    /// <summary>This selection with unset fields filled from the environment (when <see cref="UseEnvironment"/>).</summary>
    public OpenClSelection Resolve()
    {
        if (!UseEnvironment)
        {
            return this;
        }

        OpenClSelection result = this;
        if (PlatformName is null && PlatformIndex is null)
        {
            (int? index, string? name) = Parse(Environment.GetEnvironmentVariable(PlatformVariable));
            result = result with { PlatformIndex = index, PlatformName = name };
        }

        if (DeviceName is null && DeviceIndex is null)
        {
            (int? index, string? name) = Parse(Environment.GetEnvironmentVariable(DeviceVariable));
            result = result with { DeviceIndex = index, DeviceName = name };
        }

        if (Kernels is null && Environment.GetEnvironmentVariable(KernelsVariable) is string kernels && kernels.Length > 0)
        {
            result = result with { Kernels = ParseKernels(kernels) };
        }

        return result;
    }

    /// <summary>The family a value of <see cref="KernelsVariable"/> names.</summary>
    /// <exception cref="ArgumentException">Neither <c>gpu</c> nor <c>cpu</c>; the message names the variable and the value.</exception>
    public static OpenClKernelFamily ParseKernels(string value) => value.Trim().ToUpperInvariant() switch
    {
        "GPU" => OpenClKernelFamily.Gpu,
        "CPU" => OpenClKernelFamily.Cpu,
        _ => throw new ArgumentException(KernelsVariable + " must be 'gpu' or 'cpu', not '" + value + "'.", nameof(value)),
    };

    /// <summary>The name <see cref="KernelsVariable"/> and the reports use for <paramref name="family"/>: <c>gpu</c> or
    /// <c>cpu</c> (the inverse of <see cref="ParseKernels"/>).</summary>
    public static string KernelsName(OpenClKernelFamily family) => family == OpenClKernelFamily.Gpu ? "gpu" : "cpu";

    /// <summary>Whether a device was named explicitly.</summary>
    internal bool NamesDevice => DeviceName is not null || DeviceIndex is not null;

    private static (int? Index, string? Name) Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, null);
        }

        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index) ? (index, null) : (null, value.Trim());
    }
}
