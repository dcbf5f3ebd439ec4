using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>Picks the backend for a training pipeline: probes OpenCL (never throwing), uses it when asked for or
/// when Auto finds a GPU or accelerator whose kernels build, and otherwise the CPU, saying what was chosen and why.</summary>
public static class TrainingBackends
{
    /// <summary>Creates the training pipeline for <paramref name="kind"/> (ZeroGrad included when
    /// <paramref name="zeroGrad"/>). <see cref="BackendKind.OpenCl"/> accepts any OpenCL device, a CPU one included;
    /// <see cref="BackendKind.Auto"/> a CPU device only when <paramref name="selection"/> allows it. When OpenCL is
    /// unusable the CPU backend is returned with the reason. <paramref name="description"/> is the same line as
    /// <see cref="FallbackPipeline.Description"/>; it is also written to <paramref name="log"/>.</summary>
    public static FallbackPipeline CreatePipeline(BackendKind kind, bool zeroGrad, PipelineOptions? options, out string description,
        OpenClSelection? selection = null, Action<string>? log = null)
    {
        FallbackPipeline pipeline = Create(kind, zeroGrad, options, selection ?? new OpenClSelection());
        description = pipeline.Description;
        log?.Invoke("EmbeddedLearn backend: " + description);
        return pipeline;
    }

    private static FallbackPipeline Create(BackendKind kind, bool zeroGrad, PipelineOptions? options, OpenClSelection selection)
    {
        if (kind == BackendKind.Cpu)
        {
            return new FallbackPipeline(null, zeroGrad, options, "CPU backend (asked for)");
        }

        if (kind == BackendKind.OpenCl)
        {
            selection = selection with { AllowCpuDevice = true };
        }

        if (OpenClBackend.TryCreate(selection, out OpenClBackend? backend, out OpenClProbeResult probe))
        {
            return new FallbackPipeline(backend, zeroGrad, options, probe + " (" + kind + " asked for)");
        }

        string reason = probe.Reason ?? "unknown";
        return new FallbackPipeline(null, zeroGrad, options, "CPU backend (" + kind + " asked for; " + reason + ")", reason);
    }
}
