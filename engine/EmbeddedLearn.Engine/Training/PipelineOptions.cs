namespace EmbeddedLearn.Training;

/// <summary>How a <see cref="TrainingPipeline"/> runs.</summary>
public sealed record PipelineOptions
{
    /// <summary>The most threads a pipeline accepts (<see cref="Threads"/>): more are never faster for this work, and
    /// the operating system may refuse to start them (30,000 aborted the process).</summary>
    public const int MaxThreads = 256;

    /// <summary>Threads the block stages run on, the caller included; 1 to <see cref="MaxThreads"/>. Results are bitwise
    /// identical for every thread count. Default: one per processor (at most <see cref="MaxThreads"/>).</summary>
    public int Threads { get; init; } = Math.Min(Environment.ProcessorCount, MaxThreads);

    /// <summary>
    /// Time the block stages may take per tick (wall clock on the CPU, device time on a device), or null (the default)
    /// to serve every due entity and train every trainable one every tick.
    /// The budget covers inference and training together, on every backend: of the entities due this tick (all of them, or
    /// those whose <see cref="Components.DecisionPeriod"/> falls due, plus those deferred earlier) it serves
    /// (infers) as many as fit, in a rotation that starts where the last tick stopped, and trains those of them it
    /// still fits, preferring the ones served most often since they last trained; both sized from per-entity costs
    /// measured with <see cref="Clock"/> on earlier ticks (inference first: under overload nothing trains). When
    /// inference leaves room but the training estimate says no entity fits (a cold first tick, or one large model such
    /// as a shared brain), one entity trains anyway after 4 ticks without training, then after 8, 16, 32 and every 64,
    /// so the estimate is measured again: a model whose training alone exceeds the budget still trains that often. Entities
    /// left out are deferred (<see cref="TickReport.EntitiesDeferred"/>; their outputs stay from their last decision).
    /// On an OpenCL device the costs come from the fused tick's device time, charged to the rows it served.
    /// Which entities run then depends on timing, so results are no longer reproducible run to run (unless the clock
    /// is a deterministic fake).
    /// </summary>
    public TimeSpan? TrainingBudget { get; init; }

    /// <summary>The clock the budget measures block costs with (two reads per block, only under a budget). Default
    /// <see cref="StopwatchClock.Instance"/>; tests inject a fake one to make the schedule deterministic.</summary>
    public ITickClock Clock { get; init; } = StopwatchClock.Instance;

    /// <summary>Whether to time each stage on the CPU (two timestamps per stage per block, into
    /// <see cref="TickReport.StageMilliseconds"/>). Default false: timing costs nothing unless asked for. (A device
    /// backend reports its kernels' device time from profiling events either way.)</summary>
    public bool MeasureStages { get; init; }

    /// <summary>What is wrong with these options, naming the option and the value, or null when nothing is.</summary>
    public string? Problem() =>
        Threads is < 1 or > MaxThreads
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PipelineOptions.Threads must be in 1..{MaxThreads}; got {Threads}.")
            : TrainingBudget is TimeSpan budget && budget <= TimeSpan.Zero
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PipelineOptions.TrainingBudget must be above zero (or null for none); got {budget}.")
                : Clock is null ? "PipelineOptions.Clock must not be null (the default is StopwatchClock.Instance)." : null;
}
