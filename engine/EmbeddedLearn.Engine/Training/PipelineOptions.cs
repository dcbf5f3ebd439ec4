namespace EmbeddedLearn.Training;

/// <summary>How a <see cref="TrainingPipeline"/> runs.</summary>
public sealed record PipelineOptions
{
    /// <summary>Threads the block stages run on, the caller included; at least 1. Results are bitwise identical
    /// for every thread count. Default: one per processor.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Time the block stages may take per tick (wall clock on the CPU, device time on a device), or null (the default) to train every entity every tick.
    /// With a budget, inference (stages whose <see cref="IBlockStage.RunsWhenNotTraining"/> is true, such as Forward)
    /// still runs for every entity, and training runs for as many blocks of entities as the budget fits, estimated
    /// from the cost measured on earlier ticks: a fair rotating window, so the entities left out this tick train on
    /// the next ones. Which entities train then depends on timing, so results are no longer reproducible run to run.
    /// </summary>
    public TimeSpan? TrainingBudget { get; init; }

    /// <summary>Whether to time each stage (two timestamps per stage per block). Default true.</summary>
    public bool MeasureStages { get; init; } = true;
}
