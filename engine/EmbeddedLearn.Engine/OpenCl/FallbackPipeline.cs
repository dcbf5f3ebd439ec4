using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// A training pipeline that runs on OpenCL and falls back to the CPU for good when an OpenCL call fails: the world's
/// components are first given the state the device had at the start of the failed tick (all of it or none), then
/// the tick is run again on the CPU stages, and every later tick runs there. <see cref="ActiveBackend"/> and
/// <see cref="FallbackReason"/> say what runs and why.
/// </summary>
public sealed class FallbackPipeline : IDisposable
{
    private readonly bool _zeroGrad;
    private readonly PipelineOptions? _options;
    private OpenClBackend? _backend;
    private TrainingPipeline _pipeline;

    /// <summary>Runs on <paramref name="backend"/> (taking ownership), or on the CPU when it is null, with
    /// <paramref name="reason"/> saying why.</summary>
    public FallbackPipeline(OpenClBackend? backend, bool zeroGrad, PipelineOptions? options, string description, string? reason = null)
    {
        _backend = backend;
        _zeroGrad = zeroGrad;
        _options = options;
        Description = description;
        FallbackReason = backend is null ? reason : null;
        _pipeline = backend is null ? CpuPipeline() : new TrainingPipeline(backend.CreateStages(zeroGrad), options);
    }

    /// <summary>The backend running the ticks now.</summary>
    public BackendKind ActiveBackend => _backend is null ? BackendKind.Cpu : BackendKind.OpenCl;

    /// <summary>Why the CPU runs instead of OpenCL (null while OpenCL runs, or when the CPU was asked for).</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>What was chosen and why, one line (updated when falling back).</summary>
    public string Description { get; private set; }

    /// <summary>The OpenCL backend while it runs, else null.</summary>
    public OpenClBackend? OpenClBackend => _backend;

    /// <summary>The pipeline running the ticks now.</summary>
    public TrainingPipeline Pipeline => _pipeline;

    /// <summary>Runs one tick; after an OpenCL failure, recovers the device state into the world and runs the tick on
    /// the CPU instead.</summary>
    /// <exception cref="ModelDataException">An entity's data is invalid (nothing changed), on either backend.</exception>
    public TickReport Run(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (_backend is null)
        {
            return _pipeline.Run(world);
        }

        try
        {
            return _pipeline.Run(world);
        }
        catch (OpenClException ex)
        {
            bool recovered = _backend.RecoverToHost(world, out string detail);
            SwitchToCpu("OpenCL failed during a tick (" + ex.Message + "); " + detail
                + (recovered ? "; the tick was run again on the CPU" : string.Empty));
            return _pipeline.Run(world);
        }
    }

    /// <summary>Brings the device state into the world's components (nothing to do on the CPU). On an OpenCL failure
    /// it falls back to the CPU like <see cref="Run"/>.</summary>
    public void SynchronizeToHost(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (_backend is null)
        {
            return;
        }

        try
        {
            _backend.SynchronizeToHost(world);
        }
        catch (OpenClException ex)
        {
            _backend.RecoverToHost(world, out string detail);
            SwitchToCpu("OpenCL failed while synchronising (" + ex.Message + "); " + detail);
        }
    }

    /// <summary>Disposes the pipeline and the OpenCL backend.</summary>
    public void Dispose()
    {
        _pipeline.Dispose();
        _backend?.Dispose();
    }

    private void SwitchToCpu(string reason)
    {
        _pipeline.Dispose();
        _backend?.Dispose();
        _backend = null;
        FallbackReason = reason;
        Description = "CPU backend (fell back from OpenCL: " + reason + ")";
        _pipeline = CpuPipeline();
    }

    private TrainingPipeline CpuPipeline()
    {
        List<IPipelineStage> stages = TrainingPipeline.DefaultStages();
        if (!_zeroGrad)
        {
            stages.RemoveAt(0);
        }

        return new TrainingPipeline(stages, _options);
    }
}
