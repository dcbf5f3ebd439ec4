using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>A steady-state OpenCL tick allocates no managed memory either.</summary>
public sealed class OpenClAllocationTests
{
    [SkippableFact]
    public void Steady_state_OpenCL_tick_allocates_zero_bytes()
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend();
        (World world, Entity[] entities) = SwarmWorld.Uniform(256);
        using (world)
        {
            using var pipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(true), new PipelineOptions { Threads = 1 }, backend, ownsExecutor: false);
            SwarmWorld.WriteSamples(world, entities.Select(e => (SwarmWorld.Swarm, e)), 0);
            for (int i = 0; i < 5; i++)
            {
                pipeline.Run(world);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                pipeline.Run(world);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(256, pipeline.LastReport.EntitiesTrained);
        }
    }
}
