using EmbeddedLearn.Backends;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.OpenCl;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Stages;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>A game's own stages in a pipeline: what they declare decides what a device backend synchronises, and a
/// backend refuses what it cannot run, naming the stage.</summary>
public sealed class HostStageTests
{
    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void A_game_system_between_stages_reads_the_trained_parameters_and_its_writes_are_trained_on(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        Entity entity = spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 4);
        var halver = new ParameterHalver(spec, entity);
        List<IPipelineStage> stages = TrainingPipeline.DefaultStages();
        stages.Add(halver); // after the step: sees the stepped parameters, halves them for the next tick
        using TrainingPipeline pipeline = OnBackend.Pipeline(backend, stages);

        // The reference: the CPU stages with the halving done by hand between ticks.
        using var reference = new World();
        Entity twin = spec.Spawn(reference, TrainingSettings.Sgd(0.1f), seed: 4);
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 });
        for (int tick = 0; tick < 3; tick++)
        {
            SwarmWorld.WriteSamples(world, [(spec, entity)], tick);
            SwarmWorld.WriteSamples(reference, [(spec, twin)], tick);
            pipeline.Run(world);
            cpu.Run(reference);
            OnBackend.AssertClose(reference.GetSpan<float>(twin, spec.Parameters), halver.Seen);
            foreach (ref float p in reference.GetSpan<float>(twin, spec.Parameters))
            {
                p *= 0.5f;
            }
        }

        float[] actual = new float[spec.Layout.ParameterCount];
        float[] expected = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(world, entity, actual);
        spec.ExportParameters(reference, twin, expected);
        OnBackend.AssertClose(expected, actual);
    }

    [Fact]
    public void The_OpenCL_backend_refuses_a_custom_block_stage_naming_it()
    {
        OpenClTestDevice.Require();
        List<IPipelineStage> stages = [new ForwardStage(), new NoOpBlockStage()];
        var ex = Assert.Throws<NotSupportedException>(() =>
            TrainingBackends.CreatePipeline(BackendKind.OpenCl, stages, null, out _, OpenClTestDevice.Selection));
        Assert.Contains("Stage NoOp is a custom block stage", ex.Message, StringComparison.Ordinal);
        Assert.Contains("IWorldSystem", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Disposing_the_pipeline_keeps_what_it_trained_in_the_world(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        Entity entity = spec.Spawn(world, TrainingSettings.Adam(0.05f), seed: 6);
        float[] initial = world.GetSpan<float>(entity, spec.Parameters).ToArray();
        using (TrainingPipeline pipeline = OnBackend.Default(backend))
        {
            for (int tick = 0; tick < 3; tick++)
            {
                SwarmWorld.WriteSamples(world, [(spec, entity)], tick);
                pipeline.Run(world);
            }
        }

        // No synchronisation call: disposing brought the device state home.
        Assert.Equal(3, world.Get<TrainingState>(entity).OptimizerSteps);
        Assert.NotEqual(initial, world.GetSpan<float>(entity, spec.Parameters).ToArray());
        Assert.Contains(world.GetSpan<float>(entity, spec.AdamMoments).ToArray(), m => m != 0f);
    }

    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void An_entity_spawned_between_forward_and_the_loss_waits_for_its_first_full_tick(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        Entity first = spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 1);
        var spawner = new Spawner(spec);
        List<IPipelineStage> stages = TrainingPipeline.DefaultStages();
        stages.Insert(stages.FindIndex(s => s is MseLossStage), spawner);
        using TrainingPipeline pipeline = OnBackend.Pipeline(backend, stages);
        SwarmWorld.WriteSamples(world, [(spec, first)], 0);

        TickReport report = pipeline.Run(world);

        Entity late = spawner.Spawned;
        HostResidency.BeforeHostRead(world);
        Assert.Equal(1, world.Get<TrainingState>(first).BackwardPasses);
        Assert.Equal(0, world.Get<TrainingState>(late).BackwardPasses); // not trained on outputs Forward never computed
        Assert.Equal(spawner.Initial, world.GetSpan<float>(late, spec.Parameters).ToArray());
        Assert.Equal(0, report.LeftOut.Length); // waiting is not bad data

        SwarmWorld.WriteSamples(world, [(spec, first), (spec, late)], 1);
        pipeline.Run(world);
        HostResidency.BeforeHostRead(world);
        Assert.Equal(1, world.Get<TrainingState>(late).BackwardPasses);
        Assert.Equal(1, world.Get<TrainingState>(late).OptimizerSteps);
    }

    /// <summary>Spawns one entity, with samples, the first time it runs.</summary>
    private sealed class Spawner(ModelSpec spec) : IWorldSystem
    {
        public Entity Spawned { get; private set; }

        public float[] Initial { get; private set; } = [];

        public string Name => "Spawner";

        public ModelData Reads => ModelData.None;

        public ModelData Writes => ModelData.None;

        public void Update(World world)
        {
            if (Spawned != Entity.Null)
            {
                return;
            }

            Spawned = spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 2);
            SwarmWorld.WriteSamples(world, [(spec, Spawned)], 0);
            Initial = world.GetSpan<float>(Spawned, spec.Parameters).ToArray();
        }
    }

    private sealed class NoOpBlockStage : IBlockStage
    {
        public string Name => "NoOp";

        public ModelData Reads => ModelData.None;

        public ModelData Writes => ModelData.None;

        public void Execute(in ModelBlock block)
        {
        }
    }

    /// <summary>Records one entity's engine-order parameters, then halves them.</summary>
    private sealed class ParameterHalver(ModelSpec spec, Entity entity) : IWorldSystem
    {
        public float[] Seen { get; private set; } = [];

        public string Name => "ParameterHalver";

        public ModelData Reads => ModelData.Parameters;

        public ModelData Writes => ModelData.Parameters;

        public void Update(World world)
        {
            Span<float> parameters = world.GetSpan<float>(entity, spec.Parameters);
            Seen = parameters.ToArray();
            foreach (ref float p in parameters)
            {
                p *= 0.5f;
            }
        }
    }
}
