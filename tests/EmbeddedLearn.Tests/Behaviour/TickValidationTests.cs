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

    /// <summary>The ways a game can write an entity's settings.</summary>
    public static TheoryData<TestBackend, string> WritesOnBackends()
    {
        var data = new TheoryData<TestBackend, string>();
        foreach (TestBackend backend in new[] { TestBackend.Cpu, TestBackend.OpenCl, TestBackend.OpenClGpuKernels })
        {
            foreach (string write in new[] { "get", "set", "query", "chunk" })
            {
                data.Add(backend, write);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WritesOnBackends))]
    public void Settings_written_after_steady_ticks_are_checked_again_whichever_way_they_were_written(TestBackend backend, string write)
    {
        // Unchanged settings are not compared again (the chunk's write version stands still); every way of writing moves it.
        (World world, List<(ModelSpec Spec, Entity Entity)> entities) = SwarmWorld.Mixed(12, seed: 4);
        using (world)
        {
            using TrainingPipeline pipeline = OnBackend.Default(backend, new PipelineOptions { Threads = 2 });
            for (int tick = 0; tick < 3; tick++)
            {
                SwarmWorld.WriteSamples(world, entities, tick);
                pipeline.Run(world);
            }

            Entity adam = entities[2].Entity;
            TrainingSettings bad = world.Get<TrainingSettings>(adam) with { Beta2 = 1.0f };
            switch (write)
            {
                case "get":
                    world.Get<TrainingSettings>(adam) = bad;
                    break;
                case "set":
                    world.Set(adam, bad);
                    break;
                case "query":
                    var replace = new ReplaceSettings(adam, bad);
                    world.InlineEntityQuery<ReplaceSettings, TrainingSettings>(new QueryDescription().WithAll<TrainingSettings>(), ref replace);
                    break;
                default:
                    foreach (Chunk chunk in world.Query(new QueryDescription().WithAll<TrainingSettings>()))
                    {
                        int row = chunk.Entities.IndexOf(adam);
                        if (row >= 0)
                        {
                            chunk.GetSpan<TrainingSettings>()[row] = bad;
                        }
                    }

                    break;
            }

            SwarmWorld.WriteSamples(world, entities, 3);
            byte[] snapshot = OnBackend.Snapshot(world, entities.Select(e => e.Entity));

            var ex = Assert.Throws<ModelDataException>(() => pipeline.Run(world));

            Assert.Equal(adam, ex.Entity);
            Assert.Contains("Beta2 is 1; it must be in [0, 1)", ex.Message, StringComparison.Ordinal);
            Assert.Equal(snapshot, OnBackend.Snapshot(world, entities.Select(e => e.Entity)));
        }
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void A_valid_change_after_steady_ticks_takes_effect_at_the_next_tick(TestBackend backend)
    {
        (World world, Entity[] entities) = SwarmWorld.Uniform(8);
        using (world)
        {
            ModelSpec spec = SwarmWorld.Swarm;
            using TrainingPipeline pipeline = OnBackend.Default(backend, new PipelineOptions { Threads = 2 });
            var samples = entities.Select(e => (spec, e)).ToList();
            for (int tick = 0; tick < 3; tick++)
            {
                SwarmWorld.WriteSamples(world, samples, tick);
                pipeline.Run(world);
            }

            // A learning rate of zero through a chunk span: that entity's parameters stand still from the next tick on.
            Entity frozen = entities[5];
            foreach (Chunk chunk in world.Query(new QueryDescription().WithAll<TrainingSettings>()))
            {
                int row = chunk.Entities.IndexOf(frozen);
                if (row >= 0)
                {
                    Span<TrainingSettings> settings = chunk.GetSpan<TrainingSettings>();
                    settings[row] = settings[row] with { LearningRate = 0f };
                }
            }

            float[] frozenBefore = Parameters(world, spec, frozen);
            float[] movingBefore = Parameters(world, spec, entities[4]);
            SwarmWorld.WriteSamples(world, samples, 3);
            pipeline.Run(world);

            Assert.Equal(frozenBefore, Parameters(world, spec, frozen));
            Assert.NotEqual(movingBefore, Parameters(world, spec, entities[4]));
        }
    }

    private static float[] Parameters(World world, ModelSpec spec, Entity entity)
    {
        float[] values = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(world, entity, values);
        return values;
    }

    private readonly struct ReplaceSettings(Entity entity, TrainingSettings settings) : IForEachWithEntity<TrainingSettings>
    {
        public void Update(Entity e, ref TrainingSettings c0)
        {
            if (e == entity)
            {
                c0 = settings;
            }
        }
    }
}
