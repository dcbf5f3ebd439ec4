using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>API misuse (settings out of range) refuses the whole tick before it changes anything, on every backend.
/// Bad data only leaves its own entity out: see <see cref="ContainmentTests"/>.</summary>
public sealed class TickValidationTests
{
    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Tick_with_settings_written_out_of_range_throws_naming_the_entity_and_changes_nothing(TestBackend backend)
    {
        (World world, List<(ModelSpec Spec, Entity Entity)> entities) = SwarmWorld.Mixed(12, seed: 4);
        using (world)
        {
            using TrainingPipeline pipeline = OnBackend.Default(backend, new PipelineOptions { Threads = 1 });
            SwarmWorld.WriteSamples(world, entities, 0);
            Entity adam = entities[2].Entity;
            ref TrainingSettings settings = ref world.Get<TrainingSettings>(adam);
            Assert.Equal(OptimizerKind.Adam, settings.Optimizer);
            settings = settings with { Beta2 = 1.0f };
            byte[] snapshot = OnBackend.Snapshot(world, entities.Select(e => e.Entity));

            var ex = Assert.Throws<ModelDataException>(() => pipeline.Run(world));

            Assert.Equal(adam, ex.Entity);
            Assert.Contains("Beta2 is 1; it must be in [0, 1)", ex.Message, StringComparison.Ordinal);
            Assert.Equal(snapshot, OnBackend.Snapshot(world, entities.Select(e => e.Entity)));
        }
    }
}
