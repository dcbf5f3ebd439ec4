using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>A tick refuses invalid data before it changes anything, on every backend, from what the stages declare
/// they read: the built-in stages and a game's own alike.</summary>
public sealed class TickValidationTests
{
    [SkippableTheory]
    [MemberData(nameof(Inputs))]
    public void Tick_with_a_non_finite_sample_throws_naming_entity_component_and_value_and_changes_nothing(TestBackend backend, bool inInputs, float bad)
    {
        (World world, List<(ModelSpec Spec, Entity Entity)> entities) = SwarmWorld.Mixed(30, seed: 3);
        using (world)
        {
            using TrainingPipeline pipeline = OnBackend.Default(backend, new PipelineOptions { Threads = 2 });
            SwarmWorld.WriteSamples(world, entities, 0);
            pipeline.Run(world);
            SwarmWorld.WriteSamples(world, entities, 1);
            (ModelSpec spec, Entity victim) = entities[17];
            ComponentType type = inInputs ? spec.Inputs : spec.Targets;
            world.GetSpan<float>(victim, type)[2] = bad;
            byte[] snapshot = OnBackend.Snapshot(world, entities.Select(e => e.Entity));

            var ex = Assert.Throws<ModelDataException>(() => pipeline.Run(world));

            Assert.Equal(victim, ex.Entity);
            Assert.Equal(type.Name, ex.Component);
            Assert.Contains(victim + ", component " + type.Name + ": element 2 is " + bad.ToString(CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
            Assert.Equal(snapshot, OnBackend.Snapshot(world, entities.Select(e => e.Entity)));
            Assert.False(world.IsQueryRunning);
        }
    }

    [SkippableTheory]
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

    [SkippableTheory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void A_game_system_that_declares_it_reads_targets_gets_them_checked_before_it_runs(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        Entity entity = spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 2);
        var reader = new TargetReader();
        using TrainingPipeline pipeline = OnBackend.Pipeline(backend, [reader, .. TrainingPipeline.DefaultStages()]);
        world.GetSpan<float>(entity, spec.Targets)[1] = float.NegativeInfinity;

        var ex = Assert.Throws<ModelDataException>(() => pipeline.Run(world));
        Assert.Equal(spec.Targets.Name, ex.Component);
        Assert.Equal(0, reader.Runs);
        Assert.Equal(0, world.Get<TrainingState>(entity).BackwardPasses);
    }

    [Fact]
    public void A_custom_block_stage_that_declares_it_reads_inputs_gets_them_checked_as_forward_does()
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        Entity entity = spec.SpawnInference(world, seed: 2);
        world.GetSpan<float>(entity, spec.Inputs)[0] = float.NaN;
        var custom = new InputScaler();
        using var pipeline = new TrainingPipeline([custom]);

        var ex = Assert.Throws<ModelDataException>(() => pipeline.Run(world));

        Assert.Equal(spec.Inputs.Name, ex.Component);
        Assert.Contains("element 0 is NaN", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, custom.Blocks);
    }

    public static TheoryData<TestBackend, bool, float> Inputs()
    {
        var data = new TheoryData<TestBackend, bool, float>();
        foreach (TestBackend backend in Enum.GetValues<TestBackend>())
        {
            data.Add(backend, true, float.NaN);
            data.Add(backend, false, float.PositiveInfinity);
        }

        return data;
    }

    /// <summary>A game's own block stage that declares it reads and writes the inputs.</summary>
    private sealed class InputScaler : IBlockStage
    {
        public int Blocks { get; private set; }

        public string Name => "InputScaler";

        public ModelData Reads => ModelData.Inputs;

        public ModelData Writes => ModelData.Inputs;

        public void Execute(in ModelBlock block)
        {
            Blocks++;
            foreach (ref float value in block.Floats(block.Spec.Inputs))
            {
                value *= 0.5f;
            }
        }
    }

    /// <summary>A game system that declares it reads targets (and counts its runs).</summary>
    private sealed class TargetReader : IWorldSystem
    {
        public int Runs { get; private set; }

        public string Name => "TargetReader";

        public ModelData Reads => ModelData.Targets;

        public ModelData Writes => ModelData.None;

        public void Update(World world) => Runs++;
    }
}
