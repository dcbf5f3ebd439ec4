using System.Diagnostics;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Cpu;
using EmbeddedLearn.Training.Optimizers;
using EmbeddedLearn.Training.Reinforcement;
using EmbeddedLearn.Training.Stages;

namespace EmbeddedLearn.Training;

/// <summary>
/// The per-tick training system: one description of a tick, an ordered list of stages each declaring what it reads
/// and writes, run by an executor (<see cref="CpuExecutor"/> by default, or an OpenCL device through
/// <c>TrainingBackends</c>). The default list is <c>ZeroGrad -> Forward -> MseLoss -> Backward -> Guard -> SgdStep ->
/// AdamStep -> AdamWStep</c>; a game may reorder, drop or add stages (its own <see cref="IBlockStage"/>s or
/// <see cref="IWorldSystem"/>s). Before each run of block stages the pipeline checks every entity for what those
/// stages declare they read and refuses the tick, changing nothing, when one is invalid, whatever the executor. The
/// training budget, the per-tick report and the checks behave the same on every executor. A steady-state tick
/// allocates nothing. One tick at a time: <see cref="Run"/> from two threads at once, or two pipelines running one
/// world at once, throws. While a tick runs the world belongs to its thread (<see cref="World.BeginChange"/>);
/// <see cref="Dispose"/> and <c>Checkpoint.Save</c> are safe from any thread.
/// </summary>
public sealed class TrainingPipeline : IDisposable
{
    /// <summary>What the pipeline checks when a stage declares it reads it.</summary>
    private const ModelData Checked = ModelData.Inputs | ModelData.Targets | ModelData.Settings;

    private readonly IPipelineStage[] _stages;
    private readonly IBlockStage?[] _admitting;
    private readonly long[] _stageTicks;
    private readonly BlockPlan _plan = new();
    private readonly TickAccount _account = new();
    private readonly EntityBits _admitted = new();
    private readonly ValidatedSettings _validated = new();
    private readonly AdmissionBatch _admission = new();
    private bool _firstAdmission;
    private int _sittingOut;
    private TickExecutor _executor;
    private bool _ownsExecutor;
    private readonly RunGate _gate = new("TrainingPipeline");
    private long _ticks;

    /// <summary>Creates a pipeline running <paramref name="stages"/> in order on <paramref name="executor"/> (a new
    /// <see cref="CpuExecutor"/> with <see cref="PipelineOptions.Threads"/> threads when null). The pipeline disposes
    /// the executor with itself unless <paramref name="ownsExecutor"/> is false (one device shared by several pipelines
    /// in turn).</summary>
    /// <exception cref="ArgumentException">A stage is null, or is a block stage that observes only
    /// (<see cref="IBlockStage.ObservesOnly"/>) but declares what it writes, or an option is out of range (<see cref="PipelineOptions.Problem"/>:
    /// the message names the option and the value); nothing was created.</exception>
    /// <exception cref="NotSupportedException">The executor cannot run a stage (the message names it).</exception>
    public TrainingPipeline(IEnumerable<IPipelineStage> stages, PipelineOptions? options = null, TickExecutor? executor = null,
        bool ownsExecutor = true)
    {
        ArgumentNullException.ThrowIfNull(stages);
        options ??= new PipelineOptions();
        if (options.Problem() is string problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _stages = [.. stages];
        if (Array.IndexOf(_stages, null) >= 0)
        {
            throw new ArgumentException("A pipeline stage is null.", nameof(stages));
        }

        foreach (IPipelineStage stage in _stages)
        {
            if (stage is not (IBlockStage or IWorldSystem))
            {
                throw new ArgumentException("Stage " + stage.Name + " is neither an IBlockStage nor an IWorldSystem.", nameof(stages));
            }

            if (stage is IBlockStage { ObservesOnly: true } && stage.Writes != ModelData.None)
            {
                throw new ArgumentException("Stage " + stage.Name + " observes only (ObservesOnly is true) but declares Writes "
                    + stage.Writes + "; an observer writes nothing (Writes must be None).", nameof(stages));
            }
        }

        _admitting = Array.ConvertAll(_stages, stage => stage is IBlockStage block && StageAdmission.Checks(block) ? block : null);
        Options = options;
        _ownsExecutor = ownsExecutor || executor is null;
        executor ??= new CpuExecutor(options.Threads, options.MeasureStages);
        executor.CheckStages(_stages);
        executor.UseThreads(options.Threads);
        _executor = executor;
        _stageTicks = new long[_stages.Length];
        LastReport = new TickReport(_stages);
    }

    /// <summary>The stages, in order.</summary>
    public IReadOnlyList<IPipelineStage> Stages => _stages;

    /// <summary>The options the pipeline was created with.</summary>
    public PipelineOptions Options { get; }

    /// <summary>The executor running the stages now.</summary>
    public TickExecutor Executor => _executor;

    /// <summary>How long <see cref="Dispose"/> waits for a tick in flight on another thread (tests shorten it).</summary>
    internal TimeSpan DisposeWait
    {
        get => _gate.CloseWait;
        set => _gate.CloseWait = value;
    }

    /// <summary>The report of the last tick (the same instance every tick).</summary>
    public TickReport LastReport { get; }

    /// <summary>The full training tick: ZeroGrad, Forward, MseLoss, Backward, Guard, then one step stage per optimizer
    /// unit (SgdStep, AdamStep, AdamWStep).</summary>
    public static List<IPipelineStage> DefaultStages(bool zeroGrad = true)
    {
        List<IPipelineStage> stages = zeroGrad ? [new ZeroGradStage()] : [];
        stages.AddRange([new ForwardStage(), new MseLossStage(), new BackwardStage(), new GuardStage()]);
        foreach (OptimizerUnit optimizer in OptimizerUnits.All)
        {
            stages.Add(new OptimizerStepStage(optimizer));
        }

        return stages;
    }

    /// <summary>A pipeline with <see cref="DefaultStages"/>.</summary>
    public static TrainingPipeline CreateDefault(PipelineOptions? options = null) => new(DefaultStages(), options);

    /// <summary>An inference-only pipeline: Forward alone.</summary>
    public static TrainingPipeline CreateInference(PipelineOptions? options = null) => new([new ForwardStage()], options);

    /// <summary>Scratch floats one thread needs to run the built-in stages on entities of <paramref name="spec"/>: the
    /// largest of backward's, the Q-learning stages' (two extra forward passes of the batch), PPO's decision (a forward
    /// pass of up to B members), the step's (the entity's pre-step parameters and optimizer state) and the forward pass's
    /// (its outputs until they are known finite).</summary>
    public static int ScratchLength(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Math.Max(Math.Max(DenseBackward.ScratchLength(spec.Layout, spec.Batch), TdTargetStage.ScratchLength(spec)),
            Math.Max(Math.Max(OptimizerStepStage.ScratchLength(spec), spec.Outputs.ElementCount), PpoActStage.ScratchLength(spec)));
    }

    /// <summary>Runs one tick over <paramref name="world"/> and returns its report (<see cref="LastReport"/>).</summary>
    /// <exception cref="ModelDataException">An entity's inputs, targets or settings are invalid; raised before the
    /// tick (or, after a world system, before the next block stages) changed anything.</exception>
    /// <exception cref="InvalidOperationException">This pipeline, or another one, is already running a tick of
    /// <paramref name="world"/> (a call from a second thread); nothing changed.</exception>
    /// <exception cref="ObjectDisposedException">The pipeline was disposed.</exception>
    /// <exception cref="StageException">A game's stage threw (named, with its exception inside); a block stage's block was
    /// put back as it was before the run, so each entity has the run whole or none of it.</exception>
    public TickReport Run(World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        _gate.Enter();
        try
        {
            if (!world.TryEnterTick())
            {
                throw new InvalidOperationException("TrainingPipeline.Run: another pipeline is running a tick of this world right now "
                    + "(from another thread). Run one pipeline per world at a time, from one thread.");
            }

            try
            {
                return RunTick(world);
            }
            finally
            {
                world.ExitTick();
            }
        }
        finally
        {
            if (_gate.Exit())
            {
                ReleaseExecutor(); // disposed from another thread during this tick, after its bounded wait
            }
        }
    }

    /// <summary>Stops the executor (its worker threads; a device executor first brings the device state home), unless
    /// the pipeline was created not owning it. Safe from any thread: a tick in flight on another thread is waited for
    /// (at most 5 seconds) and the executor released after it; when the tick takes
    /// longer, or when called from inside a tick (a game system), the executor is released as that tick ends. Later
    /// calls to <see cref="Run"/> throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_gate.Close())
        {
            ReleaseExecutor();
        }
    }

    /// <summary>Runs the next ticks on <paramref name="next"/> (which the pipeline then owns) and returns the executor it
    /// replaces, not disposed (the caller owns it now). The next executor takes the world over at its next tick.</summary>
    /// <exception cref="NotSupportedException"><paramref name="next"/> cannot run a stage (nothing changed).</exception>
    internal TickExecutor ReplaceExecutor(TickExecutor next)
    {
        next.CheckStages(_stages);
        next.UseThreads(Options.Threads);
        TickExecutor previous = _executor;
        _executor = next;
        _ownsExecutor = true;
        return previous;
    }

    /// <summary>Switches to <paramref name="next"/> (which the pipeline then owns), disposing the current executor;
    /// the stages stay as they are. Used by the fallback from a device to the CPU.</summary>
    /// <exception cref="NotSupportedException"><paramref name="next"/> cannot run a stage (nothing changed).</exception>
    internal void SwitchExecutor(TickExecutor next)
    {
        bool ownedPrevious = _ownsExecutor;
        TickExecutor previous = ReplaceExecutor(next);
        if (ownedPrevious)
        {
            previous.Dispose();
        }
    }

    private void ReleaseExecutor()
    {
        if (_ownsExecutor)
        {
            _executor.Dispose();
        }
    }

    private TickReport RunTick(World world)
    {
        long start = Stopwatch.GetTimestamp();
        long clockStart = Options.TrainingBudget is null ? 0 : Options.Clock.GetTimestamp();
        Array.Clear(_stageTicks);
        _plan.BeginTick(world, _ticks, Options, _executor.Parallelism);
        _firstAdmission = true;
        _sittingOut = 0;
        TickReport report = LastReport;
        _executor.BeginTick(world);
        int stage = 0;
        while (stage < _stages.Length)
        {
            if (_stages[stage] is IWorldSystem system)
            {
                if ((system.Reads & Checked) != 0)
                {
                    Validate(world, system.Reads);
                }

                _executor.BeforeWorldSystem(world, system);
                long t0 = Stopwatch.GetTimestamp();
                try
                {
                    system.Update(world);
                }
                catch (Exception ex) when (ex is not (StageException or ModelDataException))
                {
                    throw StageException.FromSystem(system.Name, ex);
                }

                _stageTicks[stage] += Stopwatch.GetTimestamp() - t0;
                _executor.AfterWorldSystem(world, system);
                stage++;
                continue;
            }

            int end = stage;
            ModelData reads = ModelData.None;
            ModelData written = ModelData.None;
            while (end < _stages.Length && _stages[end] is IBlockStage)
            {
                // What an earlier stage of the run produced (a replay sampler's inputs, a TD stage's targets) is not the
                // game's data: it is not checked on entry, and the guard catches what bad values turn into.
                reads |= _stages[end].Reads & ~written;
                written |= _stages[end].Writes;
                end++;
            }

            RunBlockStages(world, stage, end, reads);
            stage = end;
        }

        _executor.EndTick(world, _plan, _account, _stages, _stageTicks);
        report.Tick = ++_ticks;
        if (_firstAdmission)
        {
            _account.Begin(0); // no block stage ran: nothing to account for
        }

        Quarantine(world, _account, report.Tick);
        report.Account = _account;
        _plan.RefreshModels(world);
        CountEntities(report);
        report.Backend = _executor.Backend;
        report.TotalMilliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (Options.TrainingBudget is not null)
        {
            _plan.EndTick(Options.Clock.GetTimestamp() - clockStart);
        }

        Span<double> ms = report.MutableStageMilliseconds;
        for (int i = 0; i < ms.Length; i++)
        {
            ms[i] = _stageTicks[i] * 1000.0 / Stopwatch.Frequency;
        }

        return report;
    }

    /// <summary>Checks every model entity for what a game system declares it reads (before it runs).</summary>
    private void Validate(World world, ModelData reads)
    {
        _plan.Build(world, _executor.Parallelism);
        world.EnterQuery();
        try
        {
            CheckBlocks(world, reads, 0, 0);
        }
        finally
        {
            world.ExitQuery();
        }
    }

    /// <summary>Admits the blocks into the next stages: refuses the tick, changing nothing, on invalid settings (the
    /// training settings, and what block stages <paramref name="first"/> to <paramref name="end"/> check themselves);
    /// then leaves out the entities whose inputs or targets (as <paramref name="reads"/> names them) are not finite.</summary>
    private void CheckBlocks(World world, ModelData reads, int first, int end)
    {
        _validated.BeginTick(world);
        _plan.SettingsGeneration = -1;
        WorkerPool? pool = _executor.HostPool;
        // Settings nobody took write access to since every entity's were last compared need no comparison.
        bool settings = (reads & ModelData.Settings) != 0 && !_validated.Untouched(_plan.Models);
        if (settings)
        {
            _validated.BeginComparison(_plan.Models);
            _admission.CompareSettings(pool, _plan, _validated); // on the executor's threads: a block it flags is unchanged
        }

        bool stagesAdmit = false;
        for (int s = first; s < end; s++)
        {
            stagesAdmit |= _admitting[s] is not null;
        }

        for (int i = 0; (settings || stagesAdmit) && i < _plan.Count; i++)
        {
            var block = new ModelBlock(_plan.Spec(i), _plan.Range(i), []);
            if (settings && !_admission.Flag(i) && block.Has(ComponentType.Of<TrainingSettings>()) && !_validated.Unchanged(block))
            {
                TickAdmission.CheckSettings(block, reads);
                _validated.Remember(block);
            }

            for (int s = first; stagesAdmit && s < end; s++)
            {
                _admitting[s]?.Admit(block);
            }
        }

        if ((reads & ModelData.Settings) != 0 && !_plan.Scheduled)
        {
            if (settings)
            {
                _validated.EndComparison(_plan.Models); // every entity was compared: until written again, none need be
            }

            _plan.SettingsGeneration = _validated.Generation; // every entity's settings were compared (or remembered)
        }

        if (_firstAdmission)
        {
            _account.Begin(_plan.EntityCount);
            _admitted.Clear(world.EntityCapacity);
        }
        else
        {
            _account.Reserve(_plan.EntityCount);
        }

        // Outcomes reset and samples scanned on the executor's threads (or, before a run of stages on an executor that
        // checks samples as it gathers them, by the executor); the entities left out recorded here, in order.
        const ModelData samples = ModelData.Inputs | ModelData.Targets;
        bool executorChecks = first < end && _executor.ChecksSamples;
        _plan.SampleChecks = executorChecks ? reads & samples : ModelData.None;
        _plan.SampleChecksFirstOfTick = _firstAdmission;
        // With the samples left to the executor, the admission's pass only resets outcomes: an executor that gathers every
        // model entity's chunk does that as it goes.
        bool executorResets = executorChecks && !_plan.Scheduled && _executor.ResetsOutcomes;
        _plan.OutcomesToReset = executorResets ? _admitted : null;
        if (!executorResets)
        {
            _admission.Admit(pool, _plan, executorChecks ? reads & ~samples : reads, _firstAdmission, _admitted);
            for (int i = 0; i < _plan.Count; i++)
            {
                if (_admission.Flag(i))
                {
                    TickAdmission.MarkNonFinite(new ModelBlock(_plan.Spec(i), _plan.Range(i), []), reads, _firstAdmission, _account);
                }
            }
        }

        _firstAdmission = false;
    }

    private void RunBlockStages(World world, int first, int end, ModelData reads)
    {
        _plan.Build(world, _executor.Parallelism);
        world.EnterQuery();
        try
        {
            CheckBlocks(world, reads, first, end);
            _plan.PlanTraining(Options.TrainingBudget);
            _executor.RunBlocks(world, _plan, _account, _stages, first, end, _stageTicks);
            // The last run's count: outcomes persist through the tick.
            _sittingOut = _executor.CountSittingOut(_plan) ?? _admission.CountSittingOut(_executor.HostPool, _plan);
            if (Options.TrainingBudget is not null)
            {
                _plan.UpdateCosts();
            }
        }
        finally
        {
            world.ExitQuery();
        }
    }

    /// <summary>Quarantines the entities whose skipped step this tick was their
    /// <see cref="TrainingSettings.FailuresBeforeQuarantine"/>-th in a row, as the guard marked them (a structural
    /// change, so after the tick).</summary>
    private static void Quarantine(World world, TickAccount account, long tick)
    {
        foreach (Entity entity in account.Quarantined.Items)
        {
            if (world.IsAlive(entity) && !world.Has<Quarantined>(entity))
            {
                world.Add(entity, new Quarantined { SinceTick = tick });
            }
        }
    }

    private void CountEntities(TickReport report)
    {
        int entities = 0;
        int trained = 0;
        foreach ((Archetype archetype, ModelSpec spec) in _plan.Models)
        {
            entities += archetype.EntityCount;
            if (spec.Trains(archetype))
            {
                trained += archetype.EntityCount;
            }
        }

        report.Entities = entities;
        report.EntitiesTrained = Math.Max(0, (_plan.EntitiesTrained >= 0 ? _plan.EntitiesTrained : trained) - _sittingOut);
        // Entities left out for bad data or with held outputs were served but not inferred: their outputs stay those of
        // their last tick.
        report.EntitiesInferred = Math.Max(0, Math.Min(_plan.EntitiesInferred, entities) - _account.LeftOut.Items.Length - _account.OutputsHeld.Items.Length);
        report.EntitiesDeferred = _plan.EntitiesDeferred;
        report.Blocks = _plan.Count;
    }
}
