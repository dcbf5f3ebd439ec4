using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.Backends;

/// <summary>
/// A training pipeline that runs on OpenCL and falls back to the CPU for good when an OpenCL call fails: the world's
/// components are first given the state the device had at the start of the failed tick (all of it or none), then the
/// pipeline's executor is switched to a <see cref="CpuExecutor"/> (the same stages: the tick's description does not
/// change) and the tick is run again; every later tick runs there. <see cref="ActiveBackend"/> and
/// <see cref="FallbackReason"/> say what runs and why. Disposing brings the device state home first.
/// </summary>
public sealed class FallbackPipeline : IDisposable
{
    private readonly TrainingPipeline _pipeline;
    private readonly RunGate _gate = new("FallbackPipeline");
    private AutoChoice? _auto;

    /// <summary>Runs <paramref name="stages"/> on <paramref name="backend"/> (taking ownership), or on the CPU when it is
    /// null, with <paramref name="reason"/> saying why.</summary>
    /// <exception cref="NotSupportedException">The backend cannot run a stage (the message names it).</exception>
    public FallbackPipeline(OpenClBackend? backend, IEnumerable<IPipelineStage> stages, PipelineOptions? options, string description,
        string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(stages);
        Options = options ?? new PipelineOptions();
        Description = description;
        FallbackReason = backend is null ? reason : null;
        _pipeline = new TrainingPipeline(stages, Options, backend is null ? null : backend);
    }

    /// <summary>As the public constructor; with <paramref name="chooseByMeasurement"/> (and a backend), the first ticks
    /// time both executors on the game's world and keep the faster (<see cref="AutoChoice"/>);
    /// <paramref name="chooseByMeasurement"/> opens the device again for a later trial after it was released.</summary>
    internal FallbackPipeline(OpenClBackend? backend, IEnumerable<IPipelineStage> stages, PipelineOptions? options, string description,
        Func<OpenClBackend?>? chooseByMeasurement)
        : this(backend, stages, options, description)
    {
        if (chooseByMeasurement is not null && backend is not null)
        {
            _auto = new AutoChoice(_pipeline, backend, chooseByMeasurement);
            Description = description + "; choosing between it and the CPU by timing the first ticks";
        }
    }

    /// <summary>The backend running the ticks now.</summary>
    public BackendKind ActiveBackend => _pipeline.Executor.Backend;

    /// <summary>Why the CPU runs instead of OpenCL (null while OpenCL runs, or when the CPU was asked for).</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>What was chosen and why, one line (updated when falling back).</summary>
    public string Description { get; private set; }

    /// <summary>The options the pipeline runs with.</summary>
    public PipelineOptions Options { get; }

    /// <summary>The OpenCL backend while it runs, else null.</summary>
    public OpenClBackend? OpenClBackend => _pipeline.Executor as OpenClBackend;

    /// <summary>The pipeline running the ticks (its executor changes on fallback; its stages never do).</summary>
    public TrainingPipeline Pipeline => _pipeline;

    /// <summary>Runs one tick; after an OpenCL failure, recovers the device state into the world and runs the tick on
    /// the CPU instead.</summary>
    /// <exception cref="ModelDataException">An entity's data is invalid (nothing changed), on either backend.</exception>
    public TickReport Run(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        _gate.Enter();
        try
        {
            return RunOnce(world);
        }
        finally
        {
            if (_gate.Exit())
            {
                Release(); // disposed from another thread during this tick, after its bounded wait
            }
        }
    }

    /// <summary>Brings the device state into the world's components (nothing to do on the CPU). On an OpenCL failure
    /// it falls back to the CPU like <see cref="Run"/>.</summary>
    public void SynchronizeToHost(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (OpenClBackend is not OpenClBackend backend)
        {
            return;
        }

        try
        {
            backend.SynchronizeToHost(world);
        }
        catch (OpenClException ex)
        {
            backend.RecoverToHost(world, out string detail);
            SwitchToCpu("OpenCL failed while synchronising (" + ex.Message + "); " + detail, world);
        }
    }

    /// <summary>Disposes the pipeline and its executors (an OpenCL one first brings the device state home, when it holds
    /// the latest). Safe from any thread, as <see cref="TrainingPipeline.Dispose"/>: a tick in flight is waited for
    /// (bounded), and when it outlasts the wait the executors are released as it ends.</summary>
    public void Dispose()
    {
        if (_gate.Close())
        {
            Release();
        }
    }

    private void Release()
    {
        _pipeline.Dispose();
        _auto?.Dispose();
        _auto = null;
    }

    private TickReport RunOnce(World world)
    {
        if (_auto is AutoChoice auto)
        {
            return RunChoosing(auto, world);
        }

        if (OpenClBackend is not OpenClBackend backend)
        {
            return _pipeline.Run(world);
        }

        try
        {
            return _pipeline.Run(world);
        }
        catch (OpenClException ex)
        {
            return FallBack(backend, ex, world);
        }
    }

    private TickReport RunChoosing(AutoChoice auto, World world)
    {
        try
        {
            if (auto.Tick(_pipeline, world, out TickReport report))
            {
                Description = auto.Decision!;
                FallbackReason = ActiveBackend == BackendKind.Cpu ? auto.Decision : null;
            }

            return report;
        }
        catch (OpenClException ex)
        {
            // The device failed during a trial or after winning one: no more choosing, the CPU from now on.
            _auto = null;
            if (!ReferenceEquals(_pipeline.Executor, auto.Device))
            {
                auto.Dispose();
                throw;
            }

            TickReport report = FallBack(auto.Device!, ex, world);
            auto.Dispose(); // the idle CPU executor of the trial (FallBack made a new one)
            return report;
        }
    }

    private TickReport FallBack(OpenClBackend backend, OpenClException ex, World world)
    {
        bool recovered = backend.RecoverToHost(world, out string detail);
        SwitchToCpu("OpenCL failed during a tick (" + ex.Message + "); " + detail
            + (recovered ? "; the tick was run again on the CPU" : string.Empty), world);
        return _pipeline.Run(world);
    }

    private void SwitchToCpu(string reason, World world)
    {
        if (OpenClBackend is OpenClBackend backend)
        {
            // The world already holds the recovered state; the backend must not write its device copy over it.
            backend.UploadFromHost(world);
        }

        _pipeline.SwitchExecutor(new CpuExecutor(Options.Threads, Options.MeasureStages));
        FallbackReason = reason;
        Description = "CPU backend (fell back from OpenCL: " + reason + ")";
    }
}
