namespace EmbeddedLearn.Training;

/// <summary>A step of a <see cref="TrainingPipeline"/>: either an <see cref="IBlockStage"/> (runs per block of
/// model entities, chunk-major and in parallel) or an <see cref="IWorldSystem"/> (runs once over the world).</summary>
public interface IPipelineStage
{
    /// <summary>The name timings are reported under.</summary>
    string Name { get; }
}
