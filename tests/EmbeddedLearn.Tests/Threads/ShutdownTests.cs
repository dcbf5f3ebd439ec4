using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Threads;

/// <summary>Disposing a pipeline from another thread while a tick runs: it waits for the tick (bounded), the tick ends
/// normally, the trained state is in the world, and later ticks are refused.</summary>
public sealed class ShutdownTests
{
    private static readonly ModelSpec Spec = SwarmWorld.Small;

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Dispose_from_another_thread_waits_for_the_tick_in_flight_then_releases(TestBackend backend)
    {
        using var world = new World();
        Entity entity = Spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 1);
        using var held = new HeldTick();
        TrainingPipeline pipeline = OnBackend.Pipeline(backend, [held, .. TrainingPipeline.DefaultStages()]);
        Task<TickReport> tick = Task.Run(() => pipeline.Run(world));
        held.WaitEntered();

        Task dispose = Task.Run(pipeline.Dispose);
        Assert.False(dispose.Wait(TimeSpan.FromMilliseconds(300)), "Dispose returned while the tick was in flight");
        held.Release.Set();
        Assert.Equal(1, tick.GetAwaiter().GetResult().Tick);
        Assert.True(dispose.Wait(TimeSpan.FromSeconds(30)));

        Assert.Equal(1, world.Get<TrainingState>(entity).OptimizerSteps); // brought home by Dispose, no sync asked
        var refused = Assert.Throws<ObjectDisposedException>(() => pipeline.Run(world));
        Assert.Contains("TrainingPipeline.Run was called after the TrainingPipeline was disposed", refused.Message, StringComparison.Ordinal);
        pipeline.Dispose(); // twice is harmless
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void A_tick_that_outlasts_the_wait_releases_the_executor_as_it_ends(TestBackend backend)
    {
        using var world = new World();
        Entity entity = Spec.Spawn(world, TrainingSettings.Adam(0.01f), seed: 2);
        using var held = new HeldTick();
        TrainingPipeline pipeline = OnBackend.Pipeline(backend, [held, .. TrainingPipeline.DefaultStages()]);
        pipeline.DisposeWait = TimeSpan.FromMilliseconds(50);
        Task<TickReport> tick = Task.Run(() => pipeline.Run(world));
        held.WaitEntered();

        pipeline.Dispose(); // returns after its wait; the tick still holds the executor
        Assert.False(tick.IsCompleted);
        held.Release.Set();
        Assert.Equal(1, tick.GetAwaiter().GetResult().Tick);

        Assert.Equal(1, world.Get<TrainingState>(entity).OptimizerSteps);
        Assert.Throws<ObjectDisposedException>(() => pipeline.Run(world));
    }

    [Fact]
    public void Dispose_from_a_game_system_inside_the_tick_releases_as_the_tick_ends()
    {
        using var world = new World();
        Entity entity = Spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 3);
        TrainingPipeline? pipeline = null;
        var disposing = new DisposingSystem(() => pipeline!.Dispose());
        pipeline = new TrainingPipeline([.. TrainingPipeline.DefaultStages(), disposing]);

        TickReport report = pipeline.Run(world);

        Assert.Equal(1, report.Tick);
        Assert.Equal(1, world.Get<TrainingState>(entity).OptimizerSteps);
        Assert.Throws<ObjectDisposedException>(() => pipeline.Run(world));
    }

    private sealed class DisposingSystem(Action dispose) : IWorldSystem
    {
        public string Name => "Disposing";

        public ModelData Reads => ModelData.None;

        public ModelData Writes => ModelData.None;

        public void Update(World world) => dispose();
    }
}
