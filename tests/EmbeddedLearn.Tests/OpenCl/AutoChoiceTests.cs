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
    /// <summary>The most ticks one trial can take.</summary>
    private const int TrialTicks = 2 * (AutoChoice.MaxWarmupTicks + AutoChoice.MeasuredTicks);

    [Fact]
    public void Auto_times_both_executors_keeps_one_says_why_and_learns_as_the_CPU_alone()
    {
        OpenClTestDevice.Require();
        // The swarm at lr 0.01: stable over the few hundred ticks a trial can take when ticks are this short.
        (World cpuWorld, Entity[] cpuEntities) = Training.SwarmWorld.Uniform(40);
        (World autoWorld, Entity[] autoEntities) = Training.SwarmWorld.Uniform(40);
        using var cpuOwner = cpuWorld;
        using var autoOwner = autoWorld;
        var models = cpuEntities.Select(e => (Training.SwarmWorld.Swarm, e)).ToList();
        using TrainingPipeline cpu = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 });
        using FallbackPipeline auto = TrainingBackends.CreatePipeline(BackendKind.Auto, true, new PipelineOptions { Threads = 1 },
            out string description, OpenClTestDevice.Selection);
        Assert.Contains("choosing between it and the CPU by timing the first ticks", description, StringComparison.Ordinal);
        int decidedAt = -1;
        for (int tick = 0; tick < TrialTicks + 2; tick++)
        {
            Training.SwarmWorld.WriteSamples(cpuWorld, models, tick);
            Training.SwarmWorld.WriteSamples(autoWorld, autoEntities.Select(e => (Training.SwarmWorld.Swarm, e)), tick);
            cpu.Run(cpuWorld);
            auto.Run(autoWorld);
            Assert.Equal(cpu.LastReport.EntitiesTrained, auto.Pipeline.LastReport.EntitiesTrained);
            if (decidedAt < 0 && auto.Description.StartsWith("Auto chose", StringComparison.Ordinal))
            {
                decidedAt = tick;
                Assert.Contains("by measurement on this world's 40 model entities", auto.Description, StringComparison.Ordinal);
                bool keptDevice = auto.Description.StartsWith("Auto chose OpenCL", StringComparison.Ordinal);
                Assert.Equal(keptDevice ? BackendKind.OpenCl : BackendKind.Cpu, auto.ActiveBackend);
                Assert.Equal(keptDevice ? null : auto.Description, auto.FallbackReason);
            }
        }

        // Two warm-ups of at least WarmupTicks and two rounds of timed ticks, at most MaxWarmupTicks each.
        Assert.InRange(decidedAt + 1, 2 * (AutoChoice.WarmupTicks + AutoChoice.MeasuredTicks), TrialTicks);
        auto.SynchronizeToHost(autoWorld);
        RandomWorld.AssertSame(cpuWorld, autoWorld, models, "after the trial");
    }

    [Fact]
    public void Auto_chooses_again_when_the_entity_count_doubles()
    {
        OpenClTestDevice.Require();
        (World world, Entity[] entities) = Training.SwarmWorld.Uniform(16);
        using (world)
        {
            using FallbackPipeline auto = TrainingBackends.CreatePipeline(BackendKind.Auto, true, new PipelineOptions { Threads = 1 },
                out _, OpenClTestDevice.Selection);
            Training.SwarmWorld.WriteSamples(world, entities.Select(e => (Training.SwarmWorld.Swarm, e)), 0);
            for (int tick = 0; tick < TrialTicks && !auto.Description.StartsWith("Auto chose", StringComparison.Ordinal); tick++)
            {
                auto.Run(world);
            }

            Assert.Contains("16 model entities", auto.Description, StringComparison.Ordinal);
            for (int i = 0; i < 16; i++)
            {
                Training.SwarmWorld.Swarm.Spawn(world, Components.TrainingSettings.Sgd(0.01f), (ulong)(100 + i));
            }

            for (int tick = 0; tick < TrialTicks && !auto.Description.Contains("32 model entities", StringComparison.Ordinal); tick++)
            {
                auto.Run(world);
            }

            Assert.Contains("32 model entities", auto.Description, StringComparison.Ordinal);
            Assert.Equal(32, auto.Pipeline.LastReport.EntitiesTrained);
        }
    }
}
