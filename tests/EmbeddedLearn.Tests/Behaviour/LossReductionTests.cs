using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Stages;
using EmbeddedLearn.Tests.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>Reduction none through the pipeline: per-element losses kept, backward seeded with ones.</summary>
public sealed class LossReductionTests
{
    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void None_keeps_per_element_losses_and_its_gradients_equal_those_of_sum(TestBackend backend)
    {
        ModelSpec spec = SwarmWorld.Small;
        using var world = new World();
        Entity none = spec.Spawn(world, TrainingSettings.Sgd(0.1f, reduction: LossReduction.None), seed: 9);
        Entity sum = spec.Spawn(world, TrainingSettings.Sgd(0.1f, reduction: LossReduction.Sum), seed: 9);
        Entity mean = spec.Spawn(world, TrainingSettings.Sgd(0.1f, reduction: LossReduction.Mean), seed: 9);
        float[] inputs = Enumerable.Range(0, spec.Inputs.ElementCount).Select(i => MathF.Cos(i)).ToArray();
        float[] targets = Enumerable.Range(0, spec.Targets.ElementCount).Select(i => MathF.Sin(i)).ToArray();
        foreach (Entity e in new[] { none, sum, mean })
        {
            spec.WriteSamples(world, e, inputs, targets);
        }

        using TrainingPipeline pipeline = OnBackend.Pipeline(backend,
            [new ZeroGradStage(), new ForwardStage(), new MseLossStage(), new BackwardStage()],
            new PipelineOptions { Threads = 1 });
        pipeline.Run(world);

        ReadOnlySpan<float> outputs = spec.ReadOutputs(world, none);
        float[] elements = world.GetSpan<float>(none, spec.LossElements).ToArray();
        for (int i = 0; i < elements.Length; i++)
        {
            float d = outputs[i] - targets[i];
            Assert.Equal(d * d, elements[i], 6);
        }

        Assert.Equal(world.Get<Loss>(sum).Value, world.Get<Loss>(none).Value, 5);
        Assert.Equal(world.Get<Loss>(sum).Value / elements.Length, world.Get<Loss>(mean).Value, 5);
        float[] gNone = new float[spec.Layout.ParameterCount];
        float[] gSum = new float[spec.Layout.ParameterCount];
        float[] gMean = new float[spec.Layout.ParameterCount];
        spec.ExportGradients(world, none, gNone);
        spec.ExportGradients(world, sum, gSum);
        spec.ExportGradients(world, mean, gMean);
        Assert.Equal(gSum, gNone);
        for (int i = 0; i < gSum.Length; i++)
        {
            Assert.Equal(gSum[i] / elements.Length, gMean[i], 5);
        }
    }
}
