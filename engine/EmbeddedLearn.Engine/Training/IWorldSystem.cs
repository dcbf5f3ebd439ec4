using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>A game system in the pipeline that runs once per tick over the whole world, on the calling thread,
/// between block stages (for example: write samples, read outputs, play back a command buffer). On a device
/// backend, what it declares it reads of the resident model state is brought to the host before it runs, and
/// what it declares it writes goes back to the device before the next block stage.</summary>
public interface IWorldSystem : IPipelineStage
{
    /// <summary>Runs the system.</summary>
    void Update(World world);
}
