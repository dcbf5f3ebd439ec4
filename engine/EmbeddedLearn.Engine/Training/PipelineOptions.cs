namespace EmbeddedLearn.Training;

/// <summary>How a <see cref="TrainingPipeline"/> runs.</summary>
public sealed record PipelineOptions
{
    /// <summary>Threads the block stages run on, the caller included; at least 1. Results are bitwise identical
    /// for every thread count. Default: one per processor.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Whether to time each stage (two timestamps per stage per block). Default true.</summary>
    public bool MeasureStages { get; init; } = true;
}
