using System.Globalization;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Parity;

namespace EmbeddedLearn.Demos.Parity;

/// <summary>The parity command: load, pick the backend, run every case, print a line per case and a summary.</summary>
internal static class ParityCommand
{
    public static int Run(FileInfo fixture, string backend, int threads, TextWriter output, TextWriter error)
    {
        ParityFixture file;
        try
        {
            file = ParityFixtureReader.ReadFile(fixture.FullName);
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine("error: " + ex.Message);
            return 2;
        }

        if (threads < 1)
        {
            error.WriteLine("error: --threads must be at least 1; got " + threads.ToString(CultureInfo.InvariantCulture) + ".");
            return 2;
        }

        var options = new PipelineOptions { Threads = threads };
        using OpenClBackend? device = backend == "cpu" ? null : PickDevice(backend, output);
        if (backend == "opencl" && device is null)
        {
            error.WriteLine("error: --backend opencl was asked for but no OpenCL device could be used (reason above).");
            return 2;
        }

        output.WriteLine($"fixture: {fixture.Name} ({file.Source}), {file.Cases.Count} cases");
        output.WriteLine(device is null
            ? $"backend: cpu ({threads} thread{(threads == 1 ? string.Empty : "s")})"
            : $"backend: opencl, platform '{device.Device.PlatformName}', device '{device.Device.DeviceName}' ({device.Device.DeviceKind})");
        if (device is not null)
        {
            output.WriteLine("kernels: " + OpenClSelection.KernelsName(device.Kernels));
        }

        int passed = 0;
        int failed = 0;
        foreach (ParityCase parityCase in file.Cases)
        {
            ParityResult result = device is null
                ? ParityRunner.Run(parityCase, c => ParityRunner.DefaultPipeline(c, options))
                : ParityRunner.Run(parityCase, c => new TrainingPipeline(TrainingPipeline.DefaultStages(c.ZeroGrad), options, device, ownsExecutor: false),
                    device.SynchronizeToHost);
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-45} worst relative error {1:E2}  {2}",
                result.Case, result.WorstRelativeError, result.Passed ? "PASS" : "FAIL"));
            if (result.Passed)
            {
                passed++;
            }
            else
            {
                output.WriteLine("    " + result.FirstFailure);
                failed++;
            }
        }

        output.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>opencl: any OpenCL device, a CPU one (PoCL) included; auto: a GPU or accelerator only, else the CPU backend.</summary>
    private static OpenClBackend? PickDevice(string backend, TextWriter output)
    {
        var selection = new OpenClSelection { AllowCpuDevice = backend == "opencl" };
        if (OpenClBackend.TryCreate(selection, out OpenClBackend? device, out OpenClProbeResult probe))
        {
            return device;
        }

        output.WriteLine($"OpenCL declined: {probe.Reason}" + (backend == "auto" ? "; using the CPU backend." : string.Empty));
        return null;
    }
}
