using EmbeddedLearn.Backends;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.OpenCl;

/// <summary>Auto's choice by measurement: it times both executors on the game's own world, keeps one, says why, and the
/// learning does not notice the executors taking turns.</summary>
public sealed class AutoChoiceTests
{
    private const int TrialTicks = 2 * (AutoChoice.WarmupTicks + AutoChoice.MeasuredTicks);

    [SkippableFact]
    public void Auto_times_both_executors_keeps_one_says_why_and_learns_as_the_CPU_alone()
    {
        OpenClTestDevice.Require();
        using var cpuWorld = new World();
        using var autoWorld = new World();
        var cpuModels = new RandomWorld();
        var autoModels = new RandomWorld();
        cpuModels.Spawn(cpuWorld, 40);
        autoModels.Spawn(autoWorld, 40);
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 });
        using FallbackPipeline auto = TrainingBackends.CreatePipeline(BackendKind.Auto, true, new PipelineOptions { Threads = 1 },
            out string description, OpenClTestDevice.Selection);
        Assert.Contains("choosing between it and the CPU by timing the first ticks", description, StringComparison.Ordinal);
        for (int tick = 0; tick < TrialTicks + 2; tick++)
        {
            cpuModels.WriteSamples(cpuWorld, tick);
            autoModels.WriteSamples(autoWorld, tick);
            cpu.Run(cpuWorld);
            auto.Run(autoWorld);
            Assert.Equal(40, auto.Pipeline.LastReport.EntitiesTrained);
            if (tick == TrialTicks - 1)
            {
                Assert.Contains("by measurement on this world's 40 model entities", auto.Description, StringComparison.Ordinal);
                bool keptDevice = auto.Description.StartsWith("Auto chose OpenCL", StringComparison.Ordinal);
                Assert.Equal(keptDevice ? BackendKind.OpenCl : BackendKind.Cpu, auto.ActiveBackend);
                Assert.Equal(keptDevice ? null : auto.Description, auto.FallbackReason);
            }
        }

        auto.SynchronizeToHost(autoWorld);
        RandomWorld.AssertSame(cpuWorld, autoWorld, cpuModels.Entities, "after the trial");
    }

    [SkippableFact]
    public void Auto_chooses_again_when_the_entity_count_doubles()
    {
        OpenClTestDevice.Require();
        (World world, Entity[] entities) = Training.SwarmWorld.Uniform(16);
        using (world)
        {
            using FallbackPipeline auto = TrainingBackends.CreatePipeline(BackendKind.Auto, true, new PipelineOptions { Threads = 1 },
                out _, OpenClTestDevice.Selection);
            Training.SwarmWorld.WriteSamples(world, entities.Select(e => (Training.SwarmWorld.Swarm, e)), 0);
            for (int tick = 0; tick < TrialTicks; tick++)
            {
                auto.Run(world);
            }

            Assert.Contains("16 model entities", auto.Description, StringComparison.Ordinal);
            for (int i = 0; i < 16; i++)
            {
                Training.SwarmWorld.Swarm.Spawn(world, Components.TrainingSettings.Sgd(0.01f), (ulong)(100 + i));
            }

            for (int tick = 0; tick < TrialTicks + 1; tick++)
            {
                auto.Run(world);
            }

            Assert.Contains("32 model entities", auto.Description, StringComparison.Ordinal);
            Assert.Equal(32, auto.Pipeline.LastReport.EntitiesTrained);
        }
    }
}
