using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.OpenCl;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.SharedModels;
using Xunit;

namespace EmbeddedLearn.Tests.SharedModels;

/// <summary>Shared models allocate nothing per steady-state tick, on the CPU and on OpenCL with each kernel family,
/// counted over the whole process (so this class runs alone).</summary>
[Collection(ProcessAllocationGroup.Name)]
public sealed class SharedModelAllocationTests
{
    [Fact]
    public void A_steady_state_tick_allocates_nothing_on_any_thread()
    {
        using var world = new World();
        (SharedModelSpec spec, _, List<Entity> members) = SharedModelBehaviourTests.Populate(world);
        using var pipeline = new TrainingPipeline(SharedModelSpec.Stages(), new PipelineOptions { Threads = 2 });
        spec.Inputs(world, members[4])[0] = float.NaN; // one member left out every tick: that path allocates nothing either
        for (int t = 0; t < 5; t++)
        {
            pipeline.Run(world);
        }

        long bytes = ProcessAllocations.QuietestWindow(() => pipeline.Run(world), repeats: 20, windows: 5);
        Assert.Equal(0, bytes);
    }

    [Theory]
    [InlineData(OpenClKernelFamily.Cpu)]
    [InlineData(OpenClKernelFamily.Gpu)]
    public void A_steady_state_opencl_tick_allocates_nothing_on_any_thread(OpenClKernelFamily kernels)
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend(kernels);
        using var world = new World();
        (SharedModelSpec spec, Entity[] brains, List<Entity> members) = SharedModelBehaviourTests.Populate(world);
        using var pipeline = new TrainingPipeline(SharedModelSpec.Stages(), new PipelineOptions { Threads = 1 }, backend, ownsExecutor: false);
        spec.Inputs(world, members[4])[0] = float.NaN; // one member left out every tick: that path allocates nothing either
        ProcessAllocations.AssertSteadyTicksAllocateNothing(() => pipeline.Run(world), warmUp: 100, windows: 50);
        Assert.Equal(brains.Length, pipeline.LastReport.EntitiesTrained);
        Assert.Equal(1, world.Get<Components.SharedModelState>(brains[2]).MembersLeftOut);
    }
}
