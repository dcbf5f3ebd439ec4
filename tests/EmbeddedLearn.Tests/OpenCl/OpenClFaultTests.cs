using EmbeddedLearn.Backends;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>Injected OpenCL faults: the CPU backend ends up holding the device's state, training continues, and the
/// reason is reported.</summary>
public sealed class OpenClFaultTests
{
    [Fact]
    public void No_platform_falls_back_to_the_CPU_with_the_reason()
    {
        OpenClTestDevice.Require();
        var plan = new FaultPlan { Operation = OpenClOperation.PlatformQuery, Armed = true };
        using FallbackPipeline pipeline = TrainingBackends.CreatePipeline(BackendKind.OpenCl, true, null, out string description,
            OpenClTestDevice.Selection with { FaultInjector = plan });
        Assert.Equal(BackendKind.Cpu, pipeline.ActiveBackend);
        Assert.Contains("platform", pipeline.FallbackReason, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("CPU", description, StringComparison.Ordinal);
        TrainsOnTheCpu(pipeline);
    }

    [Fact]
    public void Kernel_build_failure_falls_back_with_the_build_log()
    {
        OpenClTestDevice.Require();
        OpenClProbeResult probe = OpenClProbe.Probe(OpenClTestDevice.Selection with { KernelSourceOverride = "__kernel void f( { }" });
        Assert.False(probe.IsAvailable);
        Assert.Contains("build", probe.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrEmpty(probe.BuildLog));
        var plan = new FaultPlan { Operation = OpenClOperation.Build, Armed = true };
        using FallbackPipeline pipeline = TrainingBackends.CreatePipeline(BackendKind.OpenCl, true, null, out _,
            OpenClTestDevice.Selection with { FaultInjector = plan });
        Assert.Equal(BackendKind.Cpu, pipeline.ActiveBackend);
        Assert.Contains("build", pipeline.FallbackReason, StringComparison.OrdinalIgnoreCase);
        TrainsOnTheCpu(pipeline);
    }

    [Theory]
    [InlineData("Enqueue", 0)]
    [InlineData("Enqueue", 40)]
    [InlineData("Enqueue", 60)]
    [InlineData("Read", 0)]
    [InlineData("Read", 3)]
    public void Fault_during_a_tick_restores_the_tick_start_state_exactly(string operationName, int after)
    {
        OpenClOperation operation = Enum.Parse<OpenClOperation>(operationName);
        var plan = new FaultPlan();
        using OpenClBackend backend = OpenClTestDevice.CreateBackend(OpenClTestDevice.Selection with { FaultInjector = plan });
        using var world = new World();
        var models = new RandomWorld();
        models.Spawn(world, 25);
        using var pipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(true), null, backend, ownsExecutor: false);
        for (int tick = 0; tick < 3; tick++)
        {
            models.WriteSamples(world, tick);
            pipeline.Run(world);
        }

        backend.SynchronizeToHost(world);
        Dictionary<(Entity, string), float[]> before = Capture(world, models);
        TrainingState[] statesBefore = models.Entities.Select(m => world.Get<TrainingState>(m.Entity)).ToArray();
        ScrambleState(world, models);
        models.WriteSamples(world, 3);
        plan.Operation = operation;
        plan.After = after;
        plan.Armed = true;
        Assert.Throws<OpenClException>(() => pipeline.Run(world));
        Assert.Equal(1, plan.Fired);
        Assert.True(backend.RecoverToHost(world, out string detail), detail);
        Dictionary<(Entity, string), float[]> afterRecovery = Capture(world, models);
        foreach (KeyValuePair<(Entity, string), float[]> entry in before)
        {
            Assert.True(entry.Value.AsSpan().SequenceEqual(afterRecovery[entry.Key]), $"{entry.Key} differs after recovery ({detail})");
        }

        Assert.Equal(statesBefore, models.Entities.Select(m => world.Get<TrainingState>(m.Entity)).ToArray());
    }

    [Theory]
    [InlineData("Enqueue", 25)]
    [InlineData("Read", 1)]
    public void Fault_switches_to_the_CPU_and_training_continues_like_the_CPU(string operationName, int after)
    {
        OpenClOperation operation = Enum.Parse<OpenClOperation>(operationName);
        OpenClTestDevice.Require();
        var plan = new FaultPlan();
        using FallbackPipeline gpu = TrainingBackends.CreatePipeline(BackendKind.OpenCl, true, null, out _,
            OpenClTestDevice.Selection with { FaultInjector = plan });
        Assert.Equal(BackendKind.OpenCl, gpu.ActiveBackend);
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault();
        using var gpuWorld = new World();
        using var cpuWorld = new World();
        var gpuModels = new RandomWorld();
        var cpuModels = new RandomWorld();
        gpuModels.Spawn(gpuWorld, 25);
        cpuModels.Spawn(cpuWorld, 25);
        for (int tick = 0; tick < 7; tick++)
        {
            if (tick == 3)
            {
                plan.Operation = operation;
                plan.After = after;
                plan.Armed = true;
            }

            gpuModels.WriteSamples(gpuWorld, tick);
            cpuModels.WriteSamples(cpuWorld, tick);
            gpu.Run(gpuWorld);
            cpu.Run(cpuWorld);
        }

        Assert.Equal(1, plan.Fired);
        Assert.Equal(BackendKind.Cpu, gpu.ActiveBackend);
        Assert.Contains("-5", gpu.FallbackReason, StringComparison.Ordinal);
        Assert.Contains("restored", gpu.FallbackReason, StringComparison.Ordinal);
        gpu.SynchronizeToHost(gpuWorld);
        RandomWorld.AssertSame(cpuWorld, gpuWorld, cpuModels.Entities, "after the fallback");
    }

    private static void TrainsOnTheCpu(FallbackPipeline pipeline)
    {
        using var world = new World();
        var models = new RandomWorld();
        models.Spawn(world, 5);
        models.WriteSamples(world, 0);
        TickReport report = pipeline.Run(world);
        Assert.Equal(5, report.EntitiesTrained);
        Assert.All(models.Entities, m => Assert.Equal(1, world.Get<TrainingState>(m.Entity).BackwardPasses));
    }

    private static Dictionary<(Entity, string), float[]> Capture(World world, RandomWorld models)
    {
        var result = new Dictionary<(Entity, string), float[]>();
        foreach ((ModelSpec spec, Entity entity) in models.Entities)
        {
            foreach (ComponentType type in new[] { spec.Parameters, spec.Gradients, spec.Momentum, spec.AdamMoments })
            {
                if (world.Has(entity, type))
                {
                    result[(entity, type.Name)] = world.GetSpan<float>(entity, type).ToArray();
                }
            }
        }

        return result;
    }

    /// <summary>Overwrites the host copy so that only a real recovery can bring the values back.</summary>
    private static void ScrambleState(World world, RandomWorld models)
    {
        foreach ((ModelSpec spec, Entity entity) in models.Entities)
        {
            world.GetSpan<float>(entity, spec.Parameters).Fill(123f);
            world.GetSpan<float>(entity, spec.Gradients).Fill(-7f);
            world.Get<TrainingState>(entity) = new TrainingState { BackwardPasses = 999 };
        }
    }
}
