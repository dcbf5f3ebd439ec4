using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Training;

/// <summary>Releasing a quarantined entity removes its tag, a structural change: inside a query it is refused before
/// anything changes (its counters, gradients and optimizer state stay as they were).</summary>
public sealed class ReleaseInQueryTests
{
    [Fact]
    public void Release_inside_a_query_is_refused_and_changes_nothing()
    {
        using var world = new World();
        ModelSpec spec = SwarmWorld.Small;
        Entity entity = spec.Spawn(world, TrainingSettings.Sgd(0.1f, momentum: 0.9f), seed: 4);
        world.Add(entity, new Quarantined { SinceTick = 7 });
        world.Get<TrainingState>(entity).ConsecutiveFailures = 3;
        world.GetSpan<float>(entity, spec.Gradients).Fill(0.25f);
        world.GetSpan<float>(entity, spec.Momentum).Fill(0.5f);
        byte[] before = Behaviour.OnBackend.Snapshot(world, [entity]);

        InvalidOperationException? error = null;
        foreach (Chunk chunk in world.Query(spec.Query))
        {
            error = Assert.Throws<InvalidOperationException>(() => spec.Release(world, entity));
        }

        Assert.NotNull(error);
        Assert.Equal("Release of " + entity + " removes its Quarantined tag, a structural change, and a query is running; call it after "
            + "the query (or from a CommandBuffer's playback). Nothing changed.", error!.Message);
        Assert.Equal(before, Behaviour.OnBackend.Snapshot(world, [entity]));

        spec.Release(world, entity); // after the query: released, counters and optimizer state afresh
        Assert.False(world.Has<Quarantined>(entity));
        Assert.Equal(0, world.Get<TrainingState>(entity).ConsecutiveFailures);
        Assert.All(world.GetSpan<float>(entity, spec.Momentum).ToArray(), v => Assert.Equal(0f, v));
    }
}
