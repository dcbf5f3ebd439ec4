namespace EmbeddedLearn.Training;

/// <summary>A step of a <see cref="TrainingPipeline"/>: either an <see cref="IBlockStage"/> (runs per block of
/// model entities, chunk-major and in parallel) or an <see cref="IWorldSystem"/> (runs once over the world). Every
/// stage declares what it touches; the pipeline validates what it reads before it runs, on every backend.</summary>
public interface IPipelineStage
{
    /// <summary>The name timings are reported under.</summary>
    string Name { get; }

    /// <summary>The model data the stage reads. Reading <see cref="ModelData.Inputs"/> or
    /// <see cref="ModelData.Targets"/> makes the pipeline check them finite first; reading
    /// <see cref="ModelData.Settings"/> makes it validate every trainable entity's settings.</summary>
    ModelData Reads { get; }

    /// <summary>The model data the stage writes (a device backend brings it back to the device afterwards).</summary>
    ModelData Writes { get; }
}
