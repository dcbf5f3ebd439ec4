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
            // Warm up past tiered compilation's call-count threshold so the measured ticks run steady-state code.
            for (int i = 0; i < 200; i++)
            {
                pipeline.Run(world);
            }

            Action tick = () => pipeline.Run(world);
            long threadBefore = GC.GetAllocatedBytesForCurrentThread();
            long process = ProcessAllocations.QuietestWindow(tick, repeats: 2, windows: 200);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - threadBefore);
            Assert.Equal(0, process);
            Assert.Equal(1024, pipeline.LastReport.EntitiesTrained);
        }
    }
}
