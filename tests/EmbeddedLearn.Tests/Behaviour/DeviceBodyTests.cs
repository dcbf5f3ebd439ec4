using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.OpenCl;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>A game's own block stage that supplies device code runs on the OpenCL device, in pipeline order, and gives
/// what its CPU code gives.</summary>
public sealed class DeviceBodyTests
{
    [Theory]
    [InlineData(TestBackend.OpenCl)]
    [InlineData(TestBackend.OpenClGpuKernels)]
    public void A_stage_with_device_code_runs_on_the_device_and_agrees_with_its_CPU_code(TestBackend backend)
    {
        using var cpuWorld = new World();
        using var deviceWorld = new World();
        var cpuModels = new RandomWorld();
        var deviceModels = new RandomWorld();
        cpuModels.Spawn(cpuWorld, 30);
        deviceModels.Spawn(deviceWorld, 30);
        List<IPipelineStage> stages = [.. TrainingPipeline.DefaultStages(), new ShrinkParametersStage(0.99f)];
        using var cpu = new TrainingPipeline(stages, new PipelineOptions { Threads = 2 });
        using TickExecutor device = OnBackend.Executor(backend);
        using var gpu = new TrainingPipeline(stages, null, device, ownsExecutor: false);
        var openCl = (OpenClBackend)device;
        int custom = DeviceProfiler.CustomSlot;
        for (int tick = 0; tick < 4; tick++)
        {
            cpuModels.WriteSamples(cpuWorld, tick);
            deviceModels.WriteSamples(deviceWorld, tick);
            cpu.Run(cpuWorld);
            gpu.Run(deviceWorld);
            Assert.True(openCl.LastTickDeviceNanoseconds(custom) > 0, "the stage ran on the device");
            openCl.SynchronizeToHost(deviceWorld);
            RandomWorld.AssertSame(cpuWorld, deviceWorld, cpuModels.Entities, "tick " + tick);
        }
    }

    [Fact]
    public void A_body_that_does_not_build_is_refused_naming_the_stage_with_the_build_log()
    {
        using TickExecutor device = OnBackend.Executor(TestBackend.OpenCl);
        var broken = new ShrinkParametersStage(0.5f, "inline void shrink_parameters(long S) { this is not OpenCL C; }");
        var error = Assert.Throws<NotSupportedException>(() =>
            new TrainingPipeline([.. TrainingPipeline.DefaultStages(), broken], null, device, ownsExecutor: false));
        Assert.StartsWith("Stage ShrinkParameters: its OpenCL body (shrink_parameters) failed to build on '", error.Message, StringComparison.Ordinal);
        Assert.Contains("build log: ", error.Message, StringComparison.Ordinal);
    }
}
