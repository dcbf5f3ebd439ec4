using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Tests.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>A steady-state tick with decision periods under a whole-tick budget allocates nothing (whole process).</summary>
[Collection(ProcessAllocationGroup.Name)]
public sealed class ScheduleAllocationTests
{
    [Fact]
    public void A_budgeted_tick_with_decision_periods_allocates_zero_bytes()
    {
        (World world, Entity[] entities) = SwarmWorld.Uniform(1024);
        using (world)
        {
            for (int i = 0; i < entities.Length; i++)
            {
                world.Add(entities[i], new DecisionPeriod { Period = 4, Phase = i * 4 / entities.Length });
            }

            var options = new PipelineOptions { Threads = 2, TrainingBudget = TimeSpan.FromMilliseconds(0.2) };
            using TrainingPipeline pipeline = TrainingPipeline.CreateDefault(options);
            SwarmWorld.WriteSamples(world, entities.Select(e => (SwarmWorld.Swarm, e)), 0);
            for (int i = 0; i < 200; i++)
            {
                pipeline.Run(world);
            }

            Action tick = () => pipeline.Run(world);
            long process = ProcessAllocations.QuietestWindow(tick, repeats: 2, windows: 200);
            Assert.Equal(0, process);
            Assert.InRange(pipeline.LastReport.EntitiesInferred, 1, 1024);
        }
    }
}
