using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>A game system in the pipeline that runs once per tick over the whole world, on the calling thread,
/// between block stages (for example: write samples, read outputs, play back a command buffer).</summary>
public interface IWorldSystem : IPipelineStage
{
    /// <summary>Runs the system.</summary>
    void Update(World world);
}
