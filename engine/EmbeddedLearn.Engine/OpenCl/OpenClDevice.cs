using System.Globalization;
using System.Text;
using Silk.NET.OpenCL;

namespace EmbeddedLearn.OpenCl;

/// <summary>An OpenCL device in use: its context, in-order profiling queue, built program, its kernels, the limits
/// the work-group size is chosen from and the profiler that sums device time per stage.</summary>
internal sealed unsafe class OpenClDevice : IDisposable
{
    private readonly Dictionary<string, nint> _kernels = [];
    private readonly Dictionary<Training.DeviceBody, (nint Program, nint Kernel)> _custom = new(ReferenceEqualityComparer.Instance);
    private string _buildOptions = string.Empty;
    private bool _disposed;

    private OpenClDevice(OpenClApi api, nint device)
    {
        Api = api;
        Device = device;
    }

    public OpenClApi Api { get; }

    public nint Device { get; }

    public nint Context { get; private set; }

    public nint Queue { get; private set; }

    public nint Program { get; private set; }

    public OpenClProbeResult Info { get; private set; } = new();

    /// <summary>The device's and kernels' work-group limits, queried after the build.</summary>
    public DeviceLimits Limits { get; private set; } = new();

    /// <summary>The kernel family this device runs (see <see cref="OpenClKernelFamily"/>).</summary>
    public OpenClKernelFamily Family { get; private set; }

    /// <summary>Whether archetypes fuse consecutive stages into one launch (see <see cref="ArchetypeBuffers"/>'s
    /// Launch); on by default.</summary>
    public bool FuseStages { get; set; } = true;

    /// <summary>Device time per stage, from the launches' profiling events.</summary>
    public DeviceProfiler Profiler { get; private set; } = null!;

    /// <summary>The kernel named <paramref name="name"/>.</summary>
    public nint Kernel(string name) => _kernels[name];

    /// <summary>Whether the program holds kernel <paramref name="name"/>.</summary>
    public bool HasKernel(string name) => _kernels.ContainsKey(name);

    /// <summary>Probes, picks a device as <paramref name="selection"/> says and builds the kernels; never throws.
    /// Returns what was found; <paramref name="device"/> is set only when it is available.</summary>
    public static OpenClProbeResult TryCreate(OpenClSelection selection, out OpenClDevice? device) =>
        TryCreate(selection, vectorWidth: null, out device);

    /// <summary>As <see cref="TryCreate(OpenClSelection, out OpenClDevice?)"/>, with the entities per work-item
    /// forced to <paramref name="vectorWidth"/> (1, 2, 4, 8 or 16) instead of chosen from the device: tests run
    /// the GPU mapping (1) on a CPU device this way.</summary>
    public static OpenClProbeResult TryCreate(OpenClSelection selection, int? vectorWidth, out OpenClDevice? device)
    {
        ArgumentNullException.ThrowIfNull(selection);
        device = null;
        CL cl;
        try
        {
            cl = CL.GetApi();
        }
#pragma warning disable CA1031 // The probe never throws: any failure to load the library is a reason.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Declined("no OpenCL library could be loaded (" + ex.GetType().Name + ": " + ex.Message + ")");
        }

        var api = new OpenClApi(cl, selection.FaultInjector);
        OpenClSelection resolved;
        try
        {
            resolved = selection.Resolve();
        }
        catch (ArgumentException ex)
        {
            return Declined(ex.Message);
        }

        selection = resolved;
        var seen = new List<string>();
        try
        {
            List<DeviceCandidate> candidates = DeviceEnumerator.List(api, selection, seen, out string? none);
            if (none is not null)
            {
                return Declined(none, seen);
            }

            DeviceCandidate? chosen = DeviceEnumerator.Choose(candidates, selection, out string? why);
            if (chosen is null)
            {
                return Declined(why!, seen);
            }

            var created = new OpenClDevice(api, chosen.Device);
            OpenClProbeResult result = created.Initialise(chosen, selection, vectorWidth, seen);
            if (!result.IsAvailable)
            {
                created.Dispose();
                return result;
            }

            device = created;
            return result;
        }
#pragma warning disable CA1031 // The probe never throws.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Declined("probing failed: " + ex.Message, seen);
        }
    }

    /// <summary>Releases the kernels, program, queue and context.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CL cl = Api.Cl;
        Profiler?.Discard();
        foreach (nint kernel in _kernels.Values)
        {
            cl.ReleaseKernel(kernel);
        }

        foreach ((nint program, nint kernel) in _custom.Values)
        {
            cl.ReleaseKernel(kernel);
            cl.ReleaseProgram(program);
        }

        if (Program != 0)
        {
            cl.ReleaseProgram(Program);
        }

        if (Queue != 0)
        {
            cl.ReleaseCommandQueue(Queue);
        }

        if (Context != 0)
        {
            cl.ReleaseContext(Context);
        }
    }

    private static OpenClProbeResult Declined(string reason, List<string>? seen = null) =>
        new() { IsAvailable = false, Reason = reason, DevicesSeen = seen ?? [] };

    private OpenClProbeResult Initialise(DeviceCandidate chosen, OpenClSelection selection, int? forcedWidth, List<string> seen)
    {
        var info = new OpenClProbeResult
        {
            PlatformName = chosen.PlatformName,
            DeviceName = chosen.DeviceName,
            DeviceKind = chosen.Kind,
            ComputeUnits = (int)Api.DeviceValue<uint>(Device, DeviceInfo.MaxComputeUnits),
            GlobalMemoryBytes = (long)Api.DeviceValue<ulong>(Device, DeviceInfo.GlobalMemSize),
            MaxAllocationBytes = (long)Api.DeviceValue<ulong>(Device, DeviceInfo.MaxMemAllocSize),
            LocalMemoryBytes = (long)Api.DeviceValue<ulong>(Device, DeviceInfo.LocalMemSize),
            SupportsDouble = Api.DeviceString(Device, DeviceInfo.Extensions).Contains("cl_khr_fp64", StringComparison.Ordinal),
            DevicesSeen = seen,
        };
        CL cl = Api.Cl;
        int error;
        nint device = Device;
        Context = cl.CreateContext(null, 1, &device, null, null, &error);
        OpenClApi.Check(error, "clCreateContext");
        Queue = cl.CreateCommandQueue(Context, Device, CommandQueueProperties.ProfilingEnable, &error);
        OpenClApi.Check(error, "clCreateCommandQueue");
        Profiler = new DeviceProfiler(Api, Queue);
        string source = selection.KernelSourceOverride ?? KernelSource.Training;
        if (Api.Injected(OpenClOperation.Build) != 0)
        {
            source = KernelSource.Broken;
        }

        Family = selection.Kernels ?? (chosen.Kind == OpenClDeviceKind.Cpu ? OpenClKernelFamily.Cpu : OpenClKernelFamily.Gpu);
        if (forcedWidth is > 1)
        {
            Family = OpenClKernelFamily.Cpu; // the GPU family runs one entity per work-item
        }

        int vectorWidth = Family == OpenClKernelFamily.Gpu
            ? 1
            : forcedWidth ?? VectorWidthFromEnvironment() ?? DeviceLimits.ChooseVectorWidth(chosen.Kind, (int)Api.DeviceValue<uint>(Device, DeviceInfo.NativeVectorWidthFloat));
        _buildOptions = "-D VW=" + vectorWidth.ToString(CultureInfo.InvariantCulture);
        Program = Build(source, _buildOptions, out int buildError, out string? log);
        if (buildError != 0)
        {
            return info with
            {
                IsAvailable = false,
                Reason = string.Format(CultureInfo.InvariantCulture,
                    "the kernels failed to build on '{0}' (error {1}); build log: {2}", chosen.DeviceName, buildError, log),
                BuildLog = log,
            };
        }

        foreach (string name in Family == OpenClKernelFamily.Gpu ? [.. KernelSource.AllKernels, KernelSource.GpuTick] : KernelSource.AllKernels)
        {
            nint kernel = cl.CreateKernel(Program, name, &error);
            OpenClApi.Check(error, "clCreateKernel(" + name + ")");
            _kernels.Add(name, kernel);
        }

        Limits = QueryLimits(info.ComputeUnits, vectorWidth, info.SupportsDouble) with { DeviceKind = chosen.Kind };

        Info = info with { IsAvailable = true };
        return Info;
    }

    /// <summary>EMBEDDEDLEARN_OPENCL_VECTOR_WIDTH (1, 2, 4, 8 or 16) overrides the entities per work-item, for
    /// tuning; anything else is ignored.</summary>
    private static int? VectorWidthFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("EMBEDDEDLEARN_OPENCL_VECTOR_WIDTH"), NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            && width is 1 or 2 or 4 or 8 or 16 ? width : null;

    private DeviceLimits QueryLimits(int computeUnits, int vectorWidth, bool supportsDouble)
    {
        int kernelSize = int.MaxValue;
        int multiple = 1;
        foreach ((string name, nint kernel) in _kernels)
        {
            if (name == KernelSource.GpuTick)
            {
                continue;
            }

            kernelSize = Math.Min(kernelSize, (int)Api.KernelValue<nuint>(kernel, Device, KernelWorkGroupInfo.WorkGroupSize));
            multiple = Math.Max(multiple, (int)Api.KernelValue<nuint>(kernel, Device, KernelWorkGroupInfo.PreferredWorkGroupSizeMultiple));
        }

        return new DeviceLimits
        {
            ComputeUnits = computeUnits,
            VectorWidth = vectorWidth,
            MaxWorkGroupSize = (int)Api.DeviceValue<nuint>(Device, DeviceInfo.MaxWorkGroupSize),
            KernelWorkGroupSize = kernelSize,
            PreferredMultiple = multiple,
            LocalMemoryBytes = (long)Api.DeviceValue<ulong>(Device, DeviceInfo.LocalMemSize),
            SupportsDouble = supportsDouble,
            GpuKernelWorkGroupSize = _kernels.TryGetValue(KernelSource.GpuTick, out nint gpu)
                ? (int)Api.KernelValue<nuint>(gpu, Device, KernelWorkGroupInfo.WorkGroupSize) : 0,
            GpuPreferredMultiple = gpu != 0
                ? (int)Api.KernelValue<nuint>(gpu, Device, KernelWorkGroupInfo.PreferredWorkGroupSizeMultiple) : 0,
            GpuKernelLocalBytes = gpu != 0 ? (long)Api.KernelValue<ulong>(gpu, Device, KernelWorkGroupInfo.LocalMemSize) : 0,
        };
    }

    /// <summary>The kernel of a game's stage body (<see cref="Training.DeviceBody"/>), built on first use after
    /// <see cref="KernelSource.Prelude"/>, with the training program's options, and kept until disposal.</summary>
    /// <exception cref="NotSupportedException">The body does not build; the message names the stage and gives the log.</exception>
    public nint CustomKernel(string stageName, Training.DeviceBody body)
    {
        if (_custom.TryGetValue(body, out (nint Program, nint Kernel) built))
        {
            return built.Kernel;
        }

        string source = KernelSource.Prelude + "// ---- " + body.Function + " (a game's stage)\n" + body.Source + "\n"
            + DeviceKernelSource.Kernel(body, DeviceKernelSource.CustomName);
        nint program = Build(source, _buildOptions, out int error, out string? log);
        if (error != 0)
        {
            Api.Cl.ReleaseProgram(program);
            throw new NotSupportedException(string.Format(CultureInfo.InvariantCulture,
                "Stage {0}: its OpenCL body ({1}) failed to build on '{2}' (error {3}); build log: {4}", stageName, body.Function,
                Info.DeviceName, error, log));
        }

        nint kernel = Api.Cl.CreateKernel(program, DeviceKernelSource.CustomName, &error);
        if (error != 0)
        {
            Api.Cl.ReleaseProgram(program);
            OpenClApi.Check(error, "clCreateKernel(" + DeviceKernelSource.CustomName + ")");
        }

        _custom.Add(body, (program, kernel));
        return kernel;
    }

    private nint Build(string source, string options, out int buildError, out string? buildLog)
    {
        CL cl = Api.Cl;
        byte[] bytes = Encoding.UTF8.GetBytes(source);
        int error;
        nint program;
        fixed (byte* text = bytes)
        {
            byte* pointer = text;
            nuint length = (nuint)bytes.Length;
            program = cl.CreateProgramWithSource(Context, 1, &pointer, &length, &error);
        }

        OpenClApi.Check(error, "clCreateProgramWithSource");
        nint device = Device;
        byte[] optionBytes = Encoding.ASCII.GetBytes(options + "\0");
        fixed (byte* o = optionBytes)
        {
            buildError = cl.BuildProgram(program, 1, &device, o, null, null);
        }

        buildLog = null;
        nuint size;
        if (cl.GetProgramBuildInfo(program, Device, ProgramBuildInfo.BuildLog, 0, null, &size) == 0)
        {
            byte[] log = new byte[(int)size];
            fixed (byte* p = log)
            {
                cl.GetProgramBuildInfo(program, Device, ProgramBuildInfo.BuildLog, size, p, null);
            }

            buildLog = Encoding.UTF8.GetString(log).TrimEnd('\0').Trim();
        }

        return program;
    }
}
