using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>The OpenCL backend against the CPU backend on random multi-entity worlds.</summary>
public sealed class OpenClAgreementTests
{
    [Theory]
    [InlineData(OpenClKernelFamily.Cpu)]
    [InlineData(OpenClKernelFamily.Gpu)]
    public void Random_world_agrees_with_the_CPU_over_several_ticks(OpenClKernelFamily kernels)
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend(OpenClTestDevice.Selection with { Kernels = kernels });
        using var cpuWorld = new World();
        using var gpuWorld = new World();
        var cpuModels = new RandomWorld();
        var gpuModels = new RandomWorld();
        cpuModels.Spawn(cpuWorld, 60);
        gpuModels.Spawn(gpuWorld, 60);
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 2 });
        using var gpu = new TrainingPipeline(TrainingPipeline.DefaultStages(true), null, backend, ownsExecutor: false);
        for (int tick = 0; tick < 6; tick++)
        {
            cpuModels.WriteSamples(cpuWorld, tick);
            gpuModels.WriteSamples(gpuWorld, tick);
            cpu.Run(cpuWorld);
            gpu.Run(gpuWorld);
            backend.SynchronizeToHost(gpuWorld);
            RandomWorld.AssertSame(cpuWorld, gpuWorld, cpuModels.Entities, "tick " + tick);
        }
    }

    [Theory]
    [InlineData(OpenClKernelFamily.Cpu)]
    [InlineData(OpenClKernelFamily.Gpu)]
    public void Without_zero_grad_gradients_accumulate_as_on_the_CPU(OpenClKernelFamily kernels)
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend(OpenClTestDevice.Selection with { Kernels = kernels });
        using var cpuWorld = new World();
        using var gpuWorld = new World();
        var cpuModels = new RandomWorld();
        var gpuModels = new RandomWorld();
        cpuModels.Spawn(cpuWorld, 20);
        gpuModels.Spawn(gpuWorld, 20);
        List<IPipelineStage> cpuStages = TrainingPipeline.DefaultStages();
        cpuStages.RemoveAt(0);
        using var cpu = new TrainingPipeline(cpuStages);
        using var gpu = new TrainingPipeline(TrainingPipeline.DefaultStages(false), null, backend, ownsExecutor: false);
        for (int tick = 0; tick < 4; tick++)
        {
            cpuModels.WriteSamples(cpuWorld, tick);
            gpuModels.WriteSamples(gpuWorld, tick);
            cpu.Run(cpuWorld);
            gpu.Run(gpuWorld);
        }

        backend.SynchronizeToHost(gpuWorld);
        RandomWorld.AssertSame(cpuWorld, gpuWorld, cpuModels.Entities, "after 4 ticks");
    }

    [Theory]
    [InlineData(OpenClKernelFamily.Cpu)]
    [InlineData(OpenClKernelFamily.Gpu)]
    public void Spawn_and_despawn_between_ticks_keep_results_equal_to_the_CPU(OpenClKernelFamily kernels)
    {
        using OpenClBackend backend = OpenClTestDevice.CreateBackend(OpenClTestDevice.Selection with { Kernels = kernels });
        using var cpuWorld = new World();
        using var gpuWorld = new World();
        var cpuModels = new RandomWorld();
        var gpuModels = new RandomWorld();
        cpuModels.Spawn(cpuWorld, 30);
        gpuModels.Spawn(gpuWorld, 30);
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault();
        using var gpu = new TrainingPipeline(TrainingPipeline.DefaultStages(true), null, backend, ownsExecutor: false);
        for (int tick = 0; tick < 8; tick++)
        {
            if (tick == 2 || tick == 5)
            {
                cpuModels.Spawn(cpuWorld, 7, 100 + tick);
                gpuModels.Spawn(gpuWorld, 7, 100 + tick);
            }

            if (tick == 3 || tick == 6)
            {
                foreach (int index in new[] { 0, 4, 11 })
                {
                    cpuWorld.Destroy(cpuModels.Entities[index].Entity);
                    gpuWorld.Destroy(gpuModels.Entities[index].Entity);
                    cpuModels.Entities.RemoveAt(index);
                    gpuModels.Entities.RemoveAt(index);
                }
            }

            cpuModels.WriteSamples(cpuWorld, tick);
            gpuModels.WriteSamples(gpuWorld, tick);
            cpu.Run(cpuWorld);
            gpu.Run(gpuWorld);
            if (tick % 3 == 2)
            {
                backend.SynchronizeToHost(gpuWorld);
                RandomWorld.AssertSame(cpuWorld, gpuWorld, cpuModels.Entities, "tick " + tick);
            }
        }

        backend.SynchronizeToHost(gpuWorld);
        RandomWorld.AssertSame(cpuWorld, gpuWorld, cpuModels.Entities, "end");
    }
}
