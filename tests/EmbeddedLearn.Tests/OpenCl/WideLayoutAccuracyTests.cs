using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.Kernels;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Parity;
using EmbeddedLearn.Training.Stages;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>Wide layouts (widths far from multiples of the vector width, long sums): one zero-grad, forward, loss,
/// backward pass on each backend against a double-precision reference.</summary>
public sealed class WideLayoutAccuracyTests
{
    public static TheoryData<int[], Activation, int> Layouts() => new()
    {
        { new[] { 40, 130, 70, 9 }, Activation.LeakyRelu, 17 },
        { new[] { 33, 64, 5 }, Activation.Sigmoid, 8 },
        { new[] { 8, 32, 32, 2 }, Activation.Tanh, 4 },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Cpu_gradients_match_the_double_reference(int[] widths, Activation activation, int batch) =>
        AssertGradientsMatchReference(widths, activation, batch, device: null);

    [Theory]
    [MemberData(nameof(Layouts))]
    public void OpenCl_gradients_match_the_double_reference(int[] widths, Activation activation, int batch)
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend();
        AssertGradientsMatchReference(widths, activation, batch, backend);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void OpenCl_gpu_kernels_gradients_match_the_double_reference(int[] widths, Activation activation, int batch)
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend(OpenClTestDevice.Selection with { Kernels = OpenClKernelFamily.Gpu });
        AssertGradientsMatchReference(widths, activation, batch, backend);
    }

    private static void AssertGradientsMatchReference(int[] widths, Activation activation, int batch, OpenClBackend? device)
    {
        ModelSpec spec = ModelSpec.Get(new ModelLayout(widths, activation), batch);
        var random = new Random(5);
        float[] parameters = Enumerable.Range(0, spec.Layout.ParameterCount).Select(_ => (float)((random.NextDouble() * 0.4) - 0.2)).ToArray();
        float[] inputs = Enumerable.Range(0, spec.Inputs.ElementCount).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        float[] targets = Enumerable.Range(0, spec.Targets.ElementCount).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

        using var world = new World();
        Entity entity = spec.Spawn(world, TrainingSettings.Sgd(0.01f), parameters);
        spec.WriteSamples(world, entity, inputs, targets);
        List<IPipelineStage> stages = [new ZeroGradStage(), new ForwardStage(), new MseLossStage(), new BackwardStage()];
        using var pipeline = new TrainingPipeline(stages, new PipelineOptions { Threads = 1 }, device, ownsExecutor: false);
        pipeline.Run(world);
        float[] gradients = new float[spec.Layout.ParameterCount];
        spec.ExportGradients(world, entity, gradients);

        double[] p = parameters.Select(v => (double)v).ToArray();
        double[] x = inputs.Select(v => (double)v).ToArray();
        double[][] values = ReferenceMlp.Forward(spec.Layout, batch, p, x);
        double[] o = values[^1];
        double[] dOut = o.Select((v, i) => 2 * (v - targets[i]) / o.Length).ToArray();
        double[] expected = ReferenceMlp.Backward(spec.Layout, batch, p, x, values, dOut);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = ParityRunner.RelativeError(gradients[i], expected[i]);
            Assert.True(error <= ParityRunner.RelativeTolerance, $"{spec}, gradient {i}: {gradients[i]} vs {expected[i]} (relative error {error:E2})");
        }
    }
}
