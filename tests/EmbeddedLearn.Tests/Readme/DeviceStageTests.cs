using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Tests.OpenCl;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Readme;

/// <summary>The documentation's example of a game's own stage with device code, compiled and run on the CPU and on OpenCL;
/// the page docs/backends.md must quote it verbatim.</summary>
public sealed class DeviceStageTests
{
    // <example>
    // A game's own stage: after the step, every parameter shrinks by 0.1 % (a decay of the game's own).
    // Execute is its CPU code; Device is the same on an OpenCL device (one work-item's entities, masked by `on`).
    public sealed class ShrinkStage : IBlockStage
    {
        public string Name => "Shrink";

        public ModelData Reads => ModelData.Parameters;

        public ModelData Writes => ModelData.Parameters;

        public DeviceBody Device { get; } = new("shrink", """
            inline void shrink(long S, int P, __global float* p, vi on)
            {
                for (int i = 0; i < P; i++) STM(p, i, LD(p, i) * 0.999f);
            }
            """, [DeviceArgument.ParameterCount, DeviceArgument.Parameters]);

        public void Execute(in ModelBlock block)
        {
            int p = block.Spec.Layout.ParameterCount;
            Span<float> parameters = block.Floats(block.Spec.Parameters);
            for (int e = 0; e < block.Count; e++)
            {
                if (block.IsTrainable && !block.IsLeftOut(e))
                {
                    foreach (ref float v in parameters.Slice(e * p, p))
                    {
                        v *= 0.999f;
                    }
                }
            }
        }
    }
    // </example>

    [Fact]
    public void The_stage_runs_on_the_device_as_on_the_CPU_and_the_readme_quotes_it()
    {
        using var cpuWorld = new World();
        using var deviceWorld = new World();
        var cpuModels = new RandomWorld();
        var deviceModels = new RandomWorld();
        cpuModels.Spawn(cpuWorld, 12);
        deviceModels.Spawn(deviceWorld, 12);
        List<IPipelineStage> stages = [.. TrainingPipeline.DefaultStages(), new ShrinkStage()];
        using var cpu = new TrainingPipeline(stages, new PipelineOptions { Threads = 1 });
        using OpenClBackend device = OpenClTestDevice.CreateBackend();
        using var gpu = new TrainingPipeline(stages, null, device, ownsExecutor: false);
        for (int tick = 0; tick < 3; tick++)
        {
            cpuModels.WriteSamples(cpuWorld, tick);
            deviceModels.WriteSamples(deviceWorld, tick);
            cpu.Run(cpuWorld);
            gpu.Run(deviceWorld);
            Assert.True(device.LastTickDeviceNanoseconds(DeviceProfiler.CustomSlot) > 0);
        }

        device.SynchronizeToHost(deviceWorld);
        RandomWorld.AssertSame(cpuWorld, deviceWorld, cpuModels.Entities, "after three ticks");
        ReadmeExample.AssertQuoted(indent: 4, page: "docs/backends.md");
    }
}
