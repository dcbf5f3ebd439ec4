namespace EmbeddedLearn.Training;

/// <summary>
/// What one tick of a <see cref="TrainingPipeline"/> did. The pipeline reuses one instance (so a tick allocates
/// nothing): read it before the next tick, or copy what you keep.
/// </summary>
public sealed class TickReport
{
    private readonly double[] _stageMilliseconds;

    internal TickReport(IReadOnlyList<IPipelineStage> stages)
    {
        StageNames = stages.Select(s => s.Name).ToArray();
        _stageMilliseconds = new double[stages.Count];
    }

    /// <summary>Ticks run so far by the pipeline, this one included.</summary>
    public long Tick { get; internal set; }

    /// <summary>Model entities the tick processed (trainable and inference-only).</summary>
    public int Entities { get; internal set; }

    /// <summary>Trainable entities the tick trained (with a training budget, those the budget fitted), less those that
    /// sat it out (<see cref="Components.TickOutcome.SitsOut"/>: left out for bad data, <see cref="Waiting"/>, or
    /// <see cref="OutputsHeld"/>).</summary>
    public int EntitiesTrained { get; internal set; }

    /// <summary>Model entities the tick inferred (ran Forward on): every model entity, except on the CPU with
    /// <see cref="Components.DecisionPeriod"/>s (the due ones) or a <see cref="PipelineOptions.TrainingBudget"/> (those
    /// the budget served), less those left out for bad data (<see cref="LeftOut"/>) and those whose forward pass gave a
    /// non-finite output (<see cref="OutputsHeld"/>): the outputs of both stay those of their last tick.</summary>
    public int EntitiesInferred { get; internal set; }

    /// <summary>Model entities due this tick that the training budget deferred (neither inferred nor trained; they are
    /// served first on the next ticks).</summary>
    public int EntitiesDeferred { get; internal set; }

    /// <summary>Blocks (chunk row ranges) the block stages ran over.</summary>
    public int Blocks { get; internal set; }

    /// <summary>The backend that ran the tick.</summary>
    public Backends.BackendKind Backend { get; internal set; }

    /// <summary>Wall-clock time of the whole tick, in milliseconds.</summary>
    public double TotalMilliseconds { get; internal set; }

    /// <summary>Entities left out of this tick because their inputs or targets held NaN or infinity (nothing of them
    /// changed; <see cref="Components.TickOutcome.LeftOut"/>).</summary>
    public ReadOnlySpan<Ecs.Entity> LeftOut => Account is null ? default : Account.LeftOut.Items;

    /// <summary>Entities whose optimizer step was not applied (<see cref="Components.TickOutcome.StepSkipped"/>): the guard
    /// skipped it because their gradient norm was not finite, or the step stage rejected it because a new parameter or
    /// optimizer state value would have been NaN or infinite.</summary>
    public ReadOnlySpan<Ecs.Entity> StepsSkipped => Account is null ? default : Account.StepSkipped.Items;

    /// <summary>Entities whose gradients the guard clipped to their <see cref="Components.TrainingSettings.MaxGradNorm"/>.</summary>
    public ReadOnlySpan<Ecs.Entity> Clipped => Account is null ? default : Account.Clipped.Items;

    /// <summary>Entities quarantined at the end of this tick (all quarantined entities: a query over
    /// <see cref="Components.Quarantined"/>).</summary>
    public ReadOnlySpan<Ecs.Entity> NewlyQuarantined => Account is null ? default : Account.Quarantined.Items;

    /// <summary>Entities that sat this tick out without fault, waiting for data (a Q-learning agent whose replay ring holds
    /// fewer transitions than its <see cref="Components.QLearningSettings.MinReplay"/>; <see cref="Components.TickOutcome.Waiting"/>).</summary>
    public ReadOnlySpan<Ecs.Entity> Waiting => Account is null ? default : Account.Waiting.Items;

    /// <summary>Entities whose forward pass produced a NaN or infinite output this tick: their outputs keep the finite
    /// values of their last tick and they sat out its training stages (<see cref="Components.TickOutcome.OutputsHeld"/>).</summary>
    public ReadOnlySpan<Ecs.Entity> OutputsHeld => Account is null ? default : Account.OutputsHeld.Items;

    /// <summary>Stage names, in pipeline order.</summary>
    public IReadOnlyList<string> StageNames { get; }

    /// <summary>Time spent in each stage this tick, in milliseconds. On the CPU, with
    /// <see cref="PipelineOptions.MeasureStages"/> (zeros for block stages otherwise): summed over threads (block stages run
    /// on several threads at once, so with T threads the sum can reach T times the wall-clock time). On an OpenCL
    /// device: the device time of the stage's kernels, from profiling events. Game systems: wall-clock time.</summary>
    public ReadOnlySpan<double> StageMilliseconds => _stageMilliseconds;

    internal Span<double> MutableStageMilliseconds => _stageMilliseconds;

    /// <summary>The pipeline's account of the tick (the same instance every tick).</summary>
    internal TickAccount? Account { get; set; }
}
