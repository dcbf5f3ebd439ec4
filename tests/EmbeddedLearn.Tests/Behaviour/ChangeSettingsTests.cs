using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Tests.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>Changing an entity's settings at run time, including its optimizer.</summary>
public sealed class ChangeSettingsTests
{
    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void Switching_to_adam_mid_run_trains_as_a_fresh_adam_optimizer_on_the_current_weights(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        Entity switched = spec.Spawn(world, TrainingSettings.Sgd(0.05f), seed: 3);
        using TrainingPipeline pipeline = OnBackend.Default(backend, new PipelineOptions { Threads = 1 });
        var samples = new List<(ModelSpec, Entity)> { (spec, switched) };
        for (int tick = 0; tick < 3; tick++)
        {
            SwarmWorld.WriteSamples(world, samples, tick);
            pipeline.Run(world);
        }

        // Reference: a new entity created with Adam on the switched entity's current weights.
        float[] weights = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(world, switched, weights);
        TrainingSettings adam = TrainingSettings.Adam(0.01f);
        Entity fresh = spec.Spawn(world, adam, weights);
        spec.ChangeSettings(world, switched, adam);

        Assert.True(world.Has(switched, spec.AdamMoments));
        Assert.Equal(0, world.Get<TrainingState>(switched).OptimizerSteps);
        for (int tick = 3; tick < 6; tick++)
        {
            SwarmWorld.WriteSamples(world, samples, tick);
            world.GetSpan<float>(switched, spec.Inputs).CopyTo(world.GetSpan<float>(fresh, spec.Inputs));
            world.GetSpan<float>(switched, spec.Targets).CopyTo(world.GetSpan<float>(fresh, spec.Targets));
            pipeline.Run(world);
        }

        float[] a = new float[spec.Layout.ParameterCount];
        float[] b = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(world, switched, a);
        spec.ExportParameters(world, fresh, b);
        Assert.Equal(b, a);
        Assert.NotEqual(weights, a);
    }

    [Fact]
    public void Invalid_settings_are_refused_and_nothing_changes()
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        Entity entity = spec.Spawn(world, TrainingSettings.Sgd(0.05f), seed: 3);
        TrainingSettings bad = TrainingSettings.Adam(0.01f) with { Beta1 = 1.5f };
        var ex = Assert.Throws<ArgumentException>(() => spec.ChangeSettings(world, entity, bad));
        Assert.Contains("Beta1 is 1.5", ex.Message, StringComparison.Ordinal);
        Assert.False(world.Has(entity, spec.AdamMoments));
        Assert.Equal(OptimizerKind.Sgd, world.Get<TrainingSettings>(entity).Optimizer);
    }
}
