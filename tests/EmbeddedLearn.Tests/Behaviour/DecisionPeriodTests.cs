using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Tests.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>Entities that decide every k ticks (<see cref="DecisionPeriod"/>), on every backend.</summary>
public sealed class DecisionPeriodTests
{
    [Theory]
    [MemberData(nameof(OnBackend.All), MemberType = typeof(OnBackend))]
    public void An_agent_is_inferred_and_trained_only_on_its_due_ticks(TestBackend backend)
    {
        (World world, Entity[] agents) = SwarmWorld.Uniform(30);
        using (world)
        {
            for (int i = 0; i < agents.Length; i++)
            {
                world.Add(agents[i], new DecisionPeriod { Period = 3, Phase = i % 3 }); // scattered phases are correct too
            }

            using TrainingPipeline pipeline = OnBackend.Default(backend, new PipelineOptions { Threads = 2 });

            for (int tick = 0; tick < 9; tick++)
            {
                SwarmWorld.WriteSamples(world, agents.Select(a => (SwarmWorld.Swarm, a)), tick);
                float[][] outputs = [.. agents.Select(a => SwarmWorld.Swarm.ReadOutputs(world, a).ToArray())];
                TickReport report = pipeline.Run(world);
                Assert.Equal((30, 10, 10, 0), (report.Entities, report.EntitiesInferred, report.EntitiesTrained, report.EntitiesDeferred));
                HostResidency.BeforeHostRead(world);
                for (int i = 0; i < agents.Length; i++)
                {
                    bool due = tick % 3 == i % 3;
                    bool changed = !outputs[i].AsSpan().SequenceEqual(SwarmWorld.Swarm.ReadOutputs(world, agents[i]));
                    Assert.True(due == changed, "agent " + i + " at tick " + tick + ": due " + due + ", outputs changed " + changed);
                    Assert.Equal((tick / 3) + (i % 3 <= tick % 3 ? 1 : 0), world.Get<TrainingState>(agents[i]).OptimizerSteps);
                }
            }
        }
    }

    /// <summary>Several archetypes of several chunks each, scattered periods and phases: every tick runs exactly the due
    /// rows (their outputs change, no other's do), whatever the thread count splits them into.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Scattered_due_rows_across_archetypes_and_chunks_are_each_run_once_and_no_other_is(int threads)
    {
        (World world, List<(ModelSpec Spec, Entity Entity)> agents) = SwarmWorld.Mixed(420, seed: threads);
        using (world)
        {
            var random = new Random(threads);
            var periods = new DecisionPeriod[agents.Count];
            for (int i = 0; i < agents.Count; i++)
            {
                int period = 1 + random.Next(5);
                periods[i] = new DecisionPeriod { Period = period, Phase = random.Next(period) };
                world.Add(agents[i].Entity, periods[i]);
            }

            Assert.True(world.Archetypes.Count(a => a.EntityCount > a.ChunkCapacity) >= 2, "two archetypes of several chunks");
            using TrainingPipeline pipeline = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = threads });
            for (int tick = 0; tick < 10; tick++)
            {
                SwarmWorld.WriteSamples(world, agents, tick);
                float[][] outputs = [.. agents.Select(a => a.Spec.ReadOutputs(world, a.Entity).ToArray())];
                TickReport report = pipeline.Run(world);
                int due = 0;
                for (int i = 0; i < agents.Count; i++)
                {
                    bool isDue = tick % periods[i].Period == periods[i].Phase;
                    bool changed = !outputs[i].AsSpan().SequenceEqual(agents[i].Spec.ReadOutputs(world, agents[i].Entity));
                    Assert.True(isDue == changed, "agent " + i + " at tick " + tick + ": due " + isDue + ", outputs changed " + changed);
                    due += isDue ? 1 : 0;
                }

                Assert.Equal((due, due), (report.EntitiesInferred, report.EntitiesTrained));
            }
        }
    }

    /// <summary>The schedule keeps the rows' periods and phases between ticks while nobody could have written them: a
    /// change through any write path takes effect on the next tick.</summary>
    [Theory]
    [InlineData("Set")]
    [InlineData("Get")]
    [InlineData("Query")]
    public void A_phase_changed_between_ticks_takes_effect_on_the_next_tick(string path)
    {
        (World world, Entity[] agents) = SwarmWorld.Uniform(10);
        using (world)
        {
            foreach (Entity agent in agents)
            {
                world.Add(agent, new DecisionPeriod { Period = 2, Phase = 0 });
            }

            using var pipeline = new TrainingPipeline(TrainingPipeline.DefaultStages(), new PipelineOptions { Threads = 1 });
            int[] inferred = new int[6];
            for (int tick = 0; tick < inferred.Length; tick++)
            {
                if (tick == 2)
                {
                    MoveFourToPhaseOne(world, agents, path);
                }

                SwarmWorld.WriteSamples(world, agents.Select(a => (SwarmWorld.Swarm, a)), tick);
                inferred[tick] = pipeline.Run(world).EntitiesInferred;
            }

            Assert.Equal([10, 0, 6, 4, 6, 4], inferred);
        }
    }

    private static void MoveFourToPhaseOne(World world, Entity[] agents, string path)
    {
        switch (path)
        {
            case "Set":
                for (int i = 0; i < 4; i++)
                {
                    world.Set(agents[i], new DecisionPeriod { Period = 2, Phase = 1 });
                }

                break;
            case "Get":
                for (int i = 0; i < 4; i++)
                {
                    world.Get<DecisionPeriod>(agents[i]).Phase = 1;
                }

                break;
            default:
                int moved = 0;
                foreach (Chunk chunk in world.Query(new QueryDescription().WithAll<DecisionPeriod>()))
                {
                    Span<DecisionPeriod> periods = chunk.GetSpan<DecisionPeriod>();
                    for (int row = 0; row < periods.Length && moved < 4; row++, moved++)
                    {
                        periods[row].Phase = 1;
                    }
                }

                break;
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(3, 3)]
    [InlineData(3, -1)]
    public void A_period_below_one_or_a_phase_outside_it_is_refused_naming_the_entity_and_nothing_changes(int period, int phase)
    {
        (World world, Entity[] agents) = SwarmWorld.Uniform(8);
        using (world)
        {
            for (int i = 0; i < agents.Length; i++)
            {
                world.Add(agents[i], i == 5 ? new DecisionPeriod { Period = period, Phase = phase } : new DecisionPeriod { Period = 3, Phase = i % 3 });
            }

            using TrainingPipeline pipeline = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 });
            SwarmWorld.WriteSamples(world, agents.Select(a => (SwarmWorld.Swarm, a)), 0);
            byte[] before = OnBackend.Snapshot(world, agents);
            var error = Assert.Throws<ModelDataException>(() => pipeline.Run(world));
            Assert.Equal(agents[5], error.Entity);
            Assert.Contains("DecisionPeriod needs Period >= 1", error.Message);
            Assert.Contains("got Period " + period + ", Phase " + phase, error.Message);
            Assert.Equal(before, OnBackend.Snapshot(world, agents));
        }
    }

    [Fact]
    public void A_budgeted_schedule_equals_the_same_schedule_run_unbudgeted_in_another_world()
    {
        // World A: 200 agents every 4 ticks under a fake-clock budget that trains 30 of the 50 due a tick.
        (World a, Entity[] agents, ChargeStage infer, ChargeStage train, TrainingPipeline budgeted) =
            WholeTickBudgetTests.Build(200, period: 4, TimeSpan.FromTicks(1650));
        // World B: the same agents, unbudgeted; each tick the test makes due exactly those A trained (full pipeline),
        // then exactly those A only inferred (the stages that run when not training).
        (World b, Entity[] twins) = SwarmWorld.Uniform(200);
        using (a)
        using (b)
        using (budgeted)
        {
            const int Never = 1 << 20;
            foreach (Entity twin in twins)
            {
                b.Add(twin, new DecisionPeriod { Period = Never, Phase = 1 });
            }

            using TrainingPipeline full = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 2 });
            using var inferenceOnly = new TrainingPipeline(
                TrainingPipeline.DefaultStages().Where(s => ((IBlockStage)s).RunsWhenNotTraining), new PipelineOptions { Threads = 2 });
            int trainedTotal = 0;
            for (int tick = 0; tick < 24; tick++)
            {
                int[] inferred = (int[])infer.Counts.Clone();
                int[] trained = (int[])train.Counts.Clone();
                SwarmWorld.WriteSamples(a, agents.Select(x => (SwarmWorld.Swarm, x)), tick);
                infer.Tick = train.Tick = tick;
                TickReport report = budgeted.Run(a);
                Assert.InRange(report.EntitiesTrained, tick == 1 ? 0 : 1, report.EntitiesInferred - (tick == 0 ? 0 : 1));
                trainedTotal += report.EntitiesTrained;

                SwarmWorld.WriteSamples(b, twins.Select(x => (SwarmWorld.Swarm, x)), tick);
                MakeDue(b, twins, i => train.Counts[agents[i].Id] > trained[agents[i].Id], tick, Never);
                full.Run(b);
                MakeDue(b, twins, i => infer.Counts[agents[i].Id] > inferred[agents[i].Id] && train.Counts[agents[i].Id] == trained[agents[i].Id], tick, Never);
                inferenceOnly.Run(b);
                Assert.Equal(Snapshot(a, agents), Snapshot(b, twins));
            }

            Assert.InRange(trainedTotal, 24 * 20, 24 * 40); // the budget trained a real share, not all or none
        }
    }

    private static void MakeDue(World world, Entity[] twins, Func<int, bool> due, int tick, int never)
    {
        for (int i = 0; i < twins.Length; i++)
        {
            world.Set(twins[i], new DecisionPeriod { Period = never, Phase = due(i) ? tick : tick + 1 });
        }
    }

    /// <summary>Every component's bytes but the decision period (which differs between the worlds by design).</summary>
    private static byte[] Snapshot(World world, Entity[] entities)
    {
        var bytes = new List<byte>();
        foreach (Entity entity in entities)
        {
            foreach (ComponentType type in world.GetComponentTypes(entity))
            {
                if (type != ComponentType.Of<DecisionPeriod>())
                {
                    bytes.AddRange(ComponentBytes.Of(world, entity, type));
                }
            }
        }

        return [.. bytes];
    }
}
