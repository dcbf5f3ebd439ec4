using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>The kernels with other entities-per-work-item than the device's own choice: 1 is the GPU mapping (one
/// work-item per entity), run here on whatever device there is (PoCL in CI), so the GPU code path is tested without
/// a GPU; 4 mixes settings across the lanes of a short vector.</summary>
public sealed class WorkItemMappingTests
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(1, false)]
    [InlineData(4, true)]
    public void Every_mapping_agrees_with_the_CPU_over_several_ticks(int vectorWidth, bool fuse)
    {
        OpenClTestDevice.Require();
        using OpenClBackend backend = OpenClBackend.CreateWithVectorWidth(OpenClTestDevice.Selection, vectorWidth);
        Assert.Equal(vectorWidth, backend.VectorWidth);
        backend.FuseStages = fuse;
        using var cpuWorld = new World();
        using var gpuWorld = new World();
        var cpuModels = new RandomWorld();
        var gpuModels = new RandomWorld();
        cpuModels.Spawn(cpuWorld, 57);
        gpuModels.Spawn(gpuWorld, 57);
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault();
        using var gpu = new TrainingPipeline(TrainingPipeline.DefaultStages(true), null, backend, ownsExecutor: false);
        for (int tick = 0; tick < 5; tick++)
        {
            cpuModels.WriteSamples(cpuWorld, tick);
            gpuModels.WriteSamples(gpuWorld, tick);
            cpu.Run(cpuWorld);
            gpu.Run(gpuWorld);
            backend.SynchronizeToHost(gpuWorld);
            RandomWorld.AssertSame(cpuWorld, gpuWorld, cpuModels.Entities, $"VW {vectorWidth}, tick {tick}");
        }
    }
}
