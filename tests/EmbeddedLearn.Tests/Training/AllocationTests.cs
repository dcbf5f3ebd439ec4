using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Training;

/// <summary>A steady-state training tick allocates nothing, counted over the whole process so the pipeline's
/// worker threads count too.</summary>
[Collection(ProcessAllocationGroup.Name)]
public sealed class AllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Steady_state_swarm_tick_allocates_zero_bytes(int threads)
    {
        (World world, Entity[] entities) = SwarmWorld.Uniform(1024);
        using (world)
        {
            using TrainingPipeline pipeline = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = threads });
            SwarmWorld.WriteSamples(world, entities.Select(e => (SwarmWorld.Swarm, e)), 0);
            ProcessAllocations.AssertSteadyTicksAllocateNothing(() => pipeline.Run(world), warmUp: 200, windows: 200);
            Assert.Equal(1024, pipeline.LastReport.EntitiesTrained);
        }
    }
}
