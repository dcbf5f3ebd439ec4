using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Tests.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>A budget covering inference and training together (CPU), proved with a fake clock: every row costs
/// 1 unit to infer and 3 more to train, so the planned work of a tick is exactly <c>inferred + 3 * trained</c>.</summary>
public sealed class WholeTickBudgetTests
{
    private const long InferUnits = 1;
    private const long TrainUnits = 3;

    [Fact]
    public void With_decision_periods_the_budget_serves_every_due_agent_and_trains_a_fair_share_of_them()
    {
        // 1,000 agents deciding every 4 ticks in four groups: 250 due a tick. Budget 1 ms on one thread = 850 units
        // planned (15% headroom): 250 inferred (250 units) leaves 600 units = 200 trained.
        (World world, Entity[] agents, ChargeStage infer, ChargeStage train, TrainingPipeline pipeline) = Build(1000, period: 4, TimeSpan.FromMilliseconds(1));
        using (world)
        using (pipeline)
        {
            for (int tick = 0; tick < 200; tick++)
            {
                (TickReport report, long units) = RunTick(world, agents, infer, train, pipeline, tick);
                Assert.InRange(units, 1, 850); // the whole tick's work stays within the budget, every tick
                Assert.Equal(units, (report.EntitiesInferred * InferUnits) + (report.EntitiesTrained * TrainUnits));
                if (tick >= 3) // tick 0 measures training, 1 inference, 2 serves the two deferred before
                {
                    Assert.Equal((250, 200, 0), (report.EntitiesInferred, report.EntitiesTrained, report.EntitiesDeferred));
                }
            }

            // Every agent inferred on each of its 50 due ticks; trained on 4 of 5 decisions, the counts within one of each
            // other (39.6 on average: the first ticks train less); at most one decision skipped in a row (8 ticks),
            // plus the start-up ticks.
            AssertFair(agents, infer, minimum: 50, maxGap: 4);
            AssertFair(agents, train, minimum: 39, maxGap: 12);
            Assert.True(agents.Max(a => train.Counts[a.Id]) - agents.Min(a => train.Counts[a.Id]) <= 1);
        }
    }

    [Fact]
    public void Under_overload_the_budget_defers_agents_in_rotation_and_serves_each_within_two_ticks()
    {
        // 1,000 agents every tick; 850 units fit 850 inferences and no training: 150 deferred a tick, in rotation.
        (World world, Entity[] agents, ChargeStage infer, ChargeStage train, TrainingPipeline pipeline) = Build(1000, period: 1, TimeSpan.FromMilliseconds(1));
        using (world)
        using (pipeline)
        {
            for (int tick = 0; tick < 60; tick++)
            {
                (TickReport report, long units) = RunTick(world, agents, infer, train, pipeline, tick);
                Assert.InRange(units, 1, 850);
                if (tick >= 2)
                {
                    Assert.Equal((850, 0, 150), (report.EntitiesInferred, report.EntitiesTrained, report.EntitiesDeferred));
                }
            }

            // 60 ticks x 850 served / 1,000 agents: 49.6 on average (fewer on the first two ticks); nobody waits longer than
            // one deferred tick.
            AssertFair(agents, infer, minimum: 49, maxGap: 2);
        }
    }

    [Fact]
    public void A_deferred_agent_keeps_its_outputs_and_parameters_until_it_is_served()
    {
        (World world, Entity[] agents, ChargeStage infer, ChargeStage train, TrainingPipeline pipeline) = Build(1000, period: 1, TimeSpan.FromMilliseconds(1));
        using (world)
        using (pipeline)
        {
            for (int tick = 0; tick < 3; tick++)
            {
                RunTick(world, agents, infer, train, pipeline, tick);
            }

            int[] before = (int[])infer.Counts.Clone();
            float[][] outputs = [.. agents.Select(a => SwarmWorld.Swarm.ReadOutputs(world, a).ToArray())];
            byte[][] parameters = [.. agents.Select(a => world.GetSpan<float>(a, SwarmWorld.Swarm.Parameters).ToArray().SelectMany(BitConverter.GetBytes).ToArray())];
            RunTick(world, agents, infer, train, pipeline, 3);
            int deferred = 0;
            for (int i = 0; i < agents.Length; i++)
            {
                if (infer.Counts[agents[i].Id] == before[agents[i].Id])
                {
                    deferred++;
                    Assert.Equal(outputs[i], SwarmWorld.Swarm.ReadOutputs(world, agents[i]).ToArray());
                    Assert.Equal(parameters[i], world.GetSpan<float>(agents[i], SwarmWorld.Swarm.Parameters).ToArray().SelectMany(BitConverter.GetBytes).ToArray());
                }
                else
                {
                    Assert.NotEqual(outputs[i], SwarmWorld.Swarm.ReadOutputs(world, agents[i]).ToArray()); // new inputs, new outputs
                }
            }

            Assert.Equal(150, deferred);
        }
    }

    [Fact]
    public void Destroying_agents_between_ticks_reschedules_the_rest_and_still_serves_everyone()
    {
        (World world, Entity[] agents, ChargeStage infer, ChargeStage train, TrainingPipeline pipeline) = Build(1000, period: 1, TimeSpan.FromMilliseconds(1));
        using (world)
        using (pipeline)
        {
            for (int tick = 0; tick < 5; tick++)
            {
                RunTick(world, agents, infer, train, pipeline, tick);
            }

            foreach (Entity gone in agents.Where((_, i) => i % 10 == 3))
            {
                world.Destroy(gone);
            }

            Entity[] left = [.. agents.Where((_, i) => i % 10 != 3)];
            int[] before = (int[])infer.Counts.Clone();
            for (int tick = 5; tick < 9; tick++)
            {
                (TickReport report, long units) = RunTick(world, left, infer, train, pipeline, tick);
                Assert.InRange(units, 1, 850);
                Assert.Equal(900, report.EntitiesInferred + report.EntitiesDeferred);
            }

            Assert.All(left, a => Assert.True(infer.Counts[a.Id] > before[a.Id], a + " was not served after the others left"));
        }
    }

    private static (TickReport Report, long Units) RunTick(World world, Entity[] agents, ChargeStage infer, ChargeStage train,
        TrainingPipeline pipeline, int tick)
    {
        SwarmWorld.WriteSamples(world, agents.Select(a => (SwarmWorld.Swarm, a)), tick);
        infer.Tick = train.Tick = tick;
        var clock = (FakeTickClock)pipeline.Options.Clock;
        long start = clock.GetTimestamp();
        TickReport report = pipeline.Run(world);
        return (report, clock.GetTimestamp() - start);
    }

    private static void AssertFair(Entity[] agents, ChargeStage stage, int minimum, int maxGap)
    {
        int[] counts = [.. agents.Select(a => stage.Counts[a.Id])];
        Assert.True(counts.Min() >= minimum, stage.Name + ": least-served agent ran " + counts.Min() + " times; most " + counts.Max() + ", gap " + agents.Max(a => stage.MaxGap[a.Id]) + ", mean " + counts.Average());
        Assert.True(counts.Max() <= 2 * counts.Min(), stage.Name + ": most-served " + counts.Max() + " > 2 x least-served " + counts.Min());
        int gap = agents.Max(a => stage.MaxGap[a.Id]);
        Assert.True(gap <= maxGap, stage.Name + ": an agent waited " + gap + " ticks");
    }

    /// <summary>A world of <paramref name="count"/> swarm agents with decision period <paramref name="period"/> in
    /// contiguous phase groups, and a one-thread pipeline under <paramref name="budget"/> on a fake clock.</summary>
    internal static (World, Entity[], ChargeStage, ChargeStage, TrainingPipeline) Build(int count, int period, TimeSpan budget)
    {
        (World world, Entity[] agents) = SwarmWorld.Uniform(count);
        for (int i = 0; i < agents.Length; i++)
        {
            world.Add(agents[i], new DecisionPeriod { Period = period, Phase = i * period / count });
        }

        var clock = new FakeTickClock();
        int ids = agents.Max(a => a.Id) + 1;
        var infer = new ChargeStage(clock, InferUnits, runsWhenNotTraining: true, ids);
        var train = new ChargeStage(clock, TrainUnits, runsWhenNotTraining: false, ids);
        List<IPipelineStage> stages = [.. TrainingPipeline.DefaultStages(), infer, train];
        var pipeline = new TrainingPipeline(stages, new PipelineOptions { Threads = 1, TrainingBudget = budget, Clock = clock });
        return (world, agents, infer, train, pipeline);
    }
}
