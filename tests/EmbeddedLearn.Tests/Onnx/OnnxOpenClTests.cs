using EmbeddedLearn.Backends;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Onnx;
using EmbeddedLearn.Tests.OpenCl;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Onnx;

/// <summary>A model trained on the OpenCL backend exports what the device holds, without an explicit sync (PoCL counts;
/// skipped without an OpenCL device unless EMBEDDEDLEARN_REQUIRE_OPENCL=1).</summary>
public sealed class OnnxOpenClTests
{
    [Fact]
    public void Export_after_device_ticks_holds_the_device_state()
    {
        OpenClTestDevice.Require();
        var options = new PipelineOptions { Threads = 1 };
        ModelSpec spec = ModelSpec.Get(new ModelLayout([3, 8, 2], Activation.Tanh), 4);
        using var deviceWorld = new World();
        using var cpuWorld = new World();
        Entity onDevice = spec.Spawn(deviceWorld, TrainingSettings.Adam(learningRate: 0.05f), 17UL);
        Entity onCpu = spec.Spawn(cpuWorld, TrainingSettings.Adam(learningRate: 0.05f), 17UL);
        float[] initial = OnnxHarness.Parameters(cpuWorld, spec, onCpu);
        using FallbackPipeline device = TrainingBackends.CreatePipeline(BackendKind.OpenCl, zeroGrad: true, options, out _, OpenClTestDevice.Selection);
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault(options);
        var random = new Random(5);
        for (int t = 0; t < 4; t++)
        {
            float[] inputs = OnnxHarness.Uniform(random, 12, 1), targets = OnnxHarness.Uniform(random, 8, 1);
            spec.WriteSamples(deviceWorld, onDevice, inputs, targets);
            spec.WriteSamples(cpuWorld, onCpu, inputs, targets);
            device.Run(deviceWorld);
            cpu.Run(cpuWorld);
        }

        Assert.Equal(BackendKind.OpenCl, device.ActiveBackend);
        using var stream = new MemoryStream();
        OnnxModel.Export(deviceWorld, onDevice, stream);
        float[] exported = OnnxModel.Import(new MemoryStream(stream.ToArray()), "device.onnx").GetParameters().ToArray();
        float[] reference = OnnxHarness.Parameters(cpuWorld, spec, onCpu);

        Assert.NotEqual(initial, exported);
        for (int i = 0; i < reference.Length; i++)
        {
            Assert.True(MathF.Abs(reference[i] - exported[i]) <= 1e-4f, $"parameter {i}: device {exported[i]:R}, CPU {reference[i]:R}");
        }
    }
}
