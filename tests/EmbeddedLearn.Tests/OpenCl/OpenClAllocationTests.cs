using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>A steady-state OpenCL tick allocates no managed memory either, on any thread of the process.</summary>
[Collection(ProcessAllocationGroup.Name)]
public sealed class OpenClAllocationTests
{
    [Theory]
    [InlineData(OpenClKernelFamily.Cpu)]
    [InlineData(OpenClKernelFamily.Gpu)]
    public void Steady_state_OpenCL_tick_allocates_zero_bytes(OpenClKernelFamily kernels)
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend(kernels);
        (World world, Entity[] entities) = SwarmWorld.Uniform(256);
        using (world)
        {
            using var pipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(true), new PipelineOptions { Threads = 1 }, backend, ownsExecutor: false);
            SwarmWorld.WriteSamples(world, entities.Select(e => (SwarmWorld.Swarm, e)), 0);
            ProcessAllocations.AssertSteadyTicksAllocateNothing(() => pipeline.Run(world), warmUp: 100, windows: 50);
            Assert.Equal(256, pipeline.LastReport.EntitiesTrained);
        }
    }
}
