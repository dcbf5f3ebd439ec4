using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>One tick at a time: a second Run while a tick is in progress (the same pipeline, or another pipeline on the
/// same world, from another thread) throws a clear error instead of corrupting state.</summary>
public sealed class PipelineConcurrencyTests
{
    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Run_from_a_second_thread_during_a_tick_throws_and_the_tick_completes_once(TestBackend backend)
    {
        using var world = new World();
        ModelSpec spec = SwarmWorld.Small;
        Entity entity = spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 1);
        using var gate = new HeldTick();
        using TrainingPipeline pipeline = OnBackend.Pipeline(backend, [gate, .. TrainingPipeline.DefaultStages()]);
        using TrainingPipeline other = OnBackend.Default(backend);

        Task first = Task.Run(() => pipeline.Run(world));
        Assert.True(gate.Entered.Wait(TimeSpan.FromSeconds(30)), "the first tick never started");
        var same = Assert.Throws<InvalidOperationException>(() => pipeline.Run(world));
        var second = Assert.Throws<InvalidOperationException>(() => other.Run(world));
        gate.Release.Set();
        first.GetAwaiter().GetResult();

        Assert.Contains("already running a tick", same.Message, StringComparison.Ordinal);
        Assert.Contains("another pipeline is running a tick of this world", second.Message, StringComparison.Ordinal);
        HostResidency.BeforeHostRead(world);
        Assert.Equal(1, world.Get<TrainingState>(entity).OptimizerSteps);
        pipeline.Run(world); // the pipeline is usable again, and so is the world for another pipeline
        pipeline.Dispose();
        other.Run(world);
        HostResidency.BeforeHostRead(world);
        Assert.Equal(3, world.Get<TrainingState>(entity).OptimizerSteps);
    }
}
