using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Parity;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>Reading or writing parameters on the host through ModelSpec synchronises with the device on demand.</summary>
public sealed class OpenClHostSyncTests
{
    [Fact]
    public void Export_and_import_synchronise_with_the_device_without_an_explicit_call()
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend();
        (World gpuWorld, Entity[] gpuEntities) = SwarmWorld.Uniform(20);
        (World cpuWorld, Entity[] cpuEntities) = SwarmWorld.Uniform(20);
        using (gpuWorld)
        using (cpuWorld)
        {
            using var device = new TrainingPipeline(TrainingPipeline.DefaultStages(true), new PipelineOptions { Threads = 1 }, backend, ownsExecutor: false);
            using TrainingPipeline cpu = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 });
            ModelSpec spec = SwarmWorld.Swarm;
            for (int tick = 0; tick < 3; tick++)
            {
                SwarmWorld.WriteSamples(gpuWorld, gpuEntities.Select(e => (spec, e)), tick);
                SwarmWorld.WriteSamples(cpuWorld, cpuEntities.Select(e => (spec, e)), tick);
                device.Run(gpuWorld);
                cpu.Run(cpuWorld);
            }

            AssertSameParameters(spec, gpuWorld, gpuEntities[7], cpuWorld, cpuEntities[7]);

            float[] replacement = Enumerable.Range(0, spec.Layout.ParameterCount).Select(i => MathF.Sin(i) * 0.1f).ToArray();
            spec.ImportParameters(gpuWorld, gpuEntities[7], replacement);
            spec.ImportParameters(cpuWorld, cpuEntities[7], replacement);
            SwarmWorld.WriteSamples(gpuWorld, gpuEntities.Select(e => (spec, e)), 3);
            SwarmWorld.WriteSamples(cpuWorld, cpuEntities.Select(e => (spec, e)), 3);
            device.Run(gpuWorld);
            cpu.Run(cpuWorld);

            AssertSameParameters(spec, gpuWorld, gpuEntities[7], cpuWorld, cpuEntities[7]);
            AssertSameParameters(spec, gpuWorld, gpuEntities[3], cpuWorld, cpuEntities[3]);
        }
    }

    private static void AssertSameParameters(ModelSpec spec, World gpuWorld, Entity gpu, World cpuWorld, Entity cpu)
    {
        float[] a = new float[spec.Layout.ParameterCount];
        float[] b = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(gpuWorld, gpu, a);
        spec.ExportParameters(cpuWorld, cpu, b);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(ParityRunner.RelativeError(a[i], b[i]) <= ParityRunner.RelativeTolerance,
                $"parameter {i}: device {a[i]}, CPU {b[i]}");
        }
    }
}
