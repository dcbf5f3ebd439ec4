using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Tests.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>Entities holding only some of a model's components are not trained half-way.</summary>
public sealed class PartialModelTests
{
    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void An_entity_missing_the_loss_components_is_run_as_inference_only_and_a_full_one_trains(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        Entity full = spec.Spawn(world, TrainingSettings.Sgd(0.1f), seed: 1);
        // Parameters, gradients and the forward components, but no targets, settings or state.
        Entity partial = world.Create(spec.Parameters, spec.Gradients, spec.Inputs, spec.Outputs, spec.Activations);
        world.GetSpan<float>(full, spec.Parameters).CopyTo(world.GetSpan<float>(partial, spec.Parameters));
        float[] inputs = Enumerable.Range(0, spec.Inputs.ElementCount).Select(i => i * 0.1f).ToArray();
        spec.WriteSamples(world, full, inputs, new float[spec.Targets.ElementCount]);
        inputs.CopyTo(world.GetSpan<float>(partial, spec.Inputs));

        using TrainingPipeline pipeline = OnBackend.Default(backend, new PipelineOptions { Threads = 1 });
        TickReport report = pipeline.Run(world);
        HostResidency.BeforeHostRead(world);

        Assert.Equal(2, report.Entities);
        Assert.Equal(1, report.EntitiesTrained);
        Assert.Equal(spec.ReadOutputs(world, full).ToArray(), spec.ReadOutputs(world, partial).ToArray());
        Assert.All(world.GetSpan<float>(partial, spec.Gradients).ToArray(), g => Assert.Equal(0f, g));
        Assert.Equal(1, world.Get<TrainingState>(full).OptimizerSteps);
    }
}
