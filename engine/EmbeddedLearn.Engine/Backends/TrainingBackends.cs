using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Backends;

/// <summary>Picks the executor for a training pipeline: probes OpenCL (never throwing), uses it when asked for; with
/// Auto, when a usable device is found (a GPU or accelerator, or a CPU device where the selection allows it), times both
/// executors on the game's own ticks and keeps the faster (<see cref="AutoChoice"/>); otherwise the CPU, saying what was
/// chosen and why.</summary>
public static class TrainingBackends
{
    /// <summary>Creates a pipeline running <paramref name="stages"/> on <paramref name="kind"/>.
    /// <see cref="BackendKind.OpenCl"/> accepts any OpenCL device, a CPU one included; <see cref="BackendKind.Auto"/> a
    /// CPU device only when <paramref name="selection"/> allows it. When OpenCL is unusable the CPU backend is returned
    /// with the reason. <paramref name="description"/> is the same line as <see cref="FallbackPipeline.Description"/>; it
    /// is also written to <paramref name="log"/>.</summary>
    /// <exception cref="NotSupportedException"><see cref="BackendKind.OpenCl"/> was asked for and the device cannot run a
    /// stage (a custom block stage): the message names it. With <see cref="BackendKind.Auto"/> such a pipeline runs on the
    /// CPU instead, the description saying why.</exception>
    public static FallbackPipeline CreatePipeline(BackendKind kind, IEnumerable<IPipelineStage> stages, PipelineOptions? options,
        out string description, OpenClSelection? selection = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(stages);
        FallbackPipeline pipeline = Create(kind, [.. stages], options, selection ?? new OpenClSelection());
        description = pipeline.Description;
        log?.Invoke("EmbeddedLearn backend: " + description);
        return pipeline;
    }

    /// <summary>Creates the default training pipeline (<see cref="TrainingPipeline.DefaultStages"/>, ZeroGrad included
    /// when <paramref name="zeroGrad"/>) on <paramref name="kind"/>; see the overload taking stages.</summary>
    public static FallbackPipeline CreatePipeline(BackendKind kind, bool zeroGrad, PipelineOptions? options, out string description,
        OpenClSelection? selection = null, Action<string>? log = null) =>
        CreatePipeline(kind, TrainingPipeline.DefaultStages(zeroGrad), options, out description, selection, log);

    private static FallbackPipeline Create(BackendKind kind, List<IPipelineStage> stages, PipelineOptions? options, OpenClSelection selection)
    {
        if (kind == BackendKind.Cpu)
        {
            return new FallbackPipeline(null, stages, options, "CPU backend (asked for)");
        }

        if (kind == BackendKind.OpenCl)
        {
            selection = selection with { AllowCpuDevice = true };
        }

        if (OpenClBackend.TryCreate(selection, out OpenClBackend? backend, out OpenClProbeResult probe))
        {
            try
            {
                return new FallbackPipeline(backend, stages, options, probe + " (" + kind + " asked for)",
                    chooseByMeasurement: kind == BackendKind.Auto ? () => OpenClBackend.TryCreate(selection, out OpenClBackend? again, out _) ? again : null : null);
            }
            catch (NotSupportedException refused) when (kind == BackendKind.Auto)
            {
                // Auto promises a pipeline that runs: stages only the CPU can run (Q-learning, a game's own) go there.
                backend!.Dispose();
                string why = "the OpenCL device cannot run this pipeline: " + refused.Message;
                return new FallbackPipeline(null, stages, options, "CPU backend (Auto asked for; " + why + ")", why);
            }
            catch
            {
                backend!.Dispose();
                throw;
            }
        }

        string reason = probe.Reason ?? "unknown";
        return new FallbackPipeline(null, stages, options, "CPU backend (" + kind + " asked for; " + reason + ")", reason);
    }
}
