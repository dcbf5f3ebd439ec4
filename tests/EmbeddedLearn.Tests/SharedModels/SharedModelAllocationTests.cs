using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.SharedModels;
using Xunit;

namespace EmbeddedLearn.Tests.SharedModels;

/// <summary>Shared models allocate nothing per steady-state tick, counted over the whole process (so this class runs
/// alone).</summary>
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
}
