using EmbeddedLearn.Backends;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Tests.OpenCl;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement;

/// <summary>The Q-learning stages in a pipeline: waiting for experience, admission, the guard, the budget,
/// determinism across thread counts, and OpenCL and Auto taking them.</summary>
public class QPipelineTests
{
    [Fact]
    public void An_agent_with_too_little_experience_waits_untouched_but_acts()
    {
        using var c = new QAgentCase(0, doubleDqn: false, agents: 2, recorded: 4);
        c.World.Set(c.Agents[0], c.Q with { MinReplay = 5 });
        byte[] model = OnBackend.Snapshot(c.World, [c.Agents[0]]);
        float[] parameters = c.World.GetSpan<float>(c.Agents[0], c.Spec.Model.Parameters).ToArray();
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());
        TickReport report = pipeline.Run(c.World);

        TrainingState waiting = c.World.Get<TrainingState>(c.Agents[0]);
        Assert.Equal(TickOutcome.Waiting, waiting.Outcome);
        Assert.Equal(0, waiting.BackwardPasses);
        Assert.Equal(0, waiting.OptimizerSteps);
        Assert.Equal(parameters, c.World.GetSpan<float>(c.Agents[0], c.Spec.Model.Parameters).ToArray());
        Assert.NotEqual(model, OnBackend.Snapshot(c.World, [c.Agents[0]])); // it did act
        Assert.Equal(1, c.World.Get<QAgentState>(c.Agents[0]).Decisions);
        Assert.Equal(1, c.World.Get<TrainingState>(c.Agents[1]).OptimizerSteps);
        Assert.Equal(0, report.LeftOut.Length); // waiting is not bad data
        Assert.Equal([c.Agents[0]], report.Waiting.ToArray());
        Assert.Equal(1, report.EntitiesTrained);

        Assert.True(c.Spec.Record(c.World, c.Agents[0], new float[c.Spec.ObservationWidth], 0, 1f, new float[c.Spec.ObservationWidth], false));
        pipeline.Run(c.World);
        Assert.Equal(1, c.World.Get<TrainingState>(c.Agents[0]).OptimizerSteps);
    }

    [Fact]
    public void Bad_q_settings_refuse_the_tick_naming_the_field_and_change_nothing()
    {
        using var c = new QAgentCase(1, doubleDqn: false);
        c.World.Set(c.Agents[1], c.Q with { Gamma = float.NaN });
        byte[] before = OnBackend.Snapshot(c.World, c.Agents);
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());

        var error = Assert.Throws<ModelDataException>(() => pipeline.Run(c.World));

        Assert.Equal($"{c.Agents[1]}, component QLearningSettings: Gamma is NaN; it must be in [0, 1]. The tick was not run; nothing changed.", error.Message);
        Assert.Equal(c.Agents[1], error.Entity);
        Assert.Equal(before, OnBackend.Snapshot(c.World, c.Agents));
    }

    [Fact]
    public void A_min_replay_beyond_the_ring_refuses_the_tick()
    {
        using var c = new QAgentCase(1, doubleDqn: false);
        c.World.Set(c.Agents[0], c.Q with { MinReplay = c.Spec.Capacity + 1 });
        byte[] before = OnBackend.Snapshot(c.World, c.Agents);
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());

        var error = Assert.Throws<ModelDataException>(() => pipeline.Run(c.World));

        Assert.Equal($"{c.Agents[0]}, component QLearningSettings: MinReplay is 17; the replay ring holds at most 16 transitions. "
            + "The tick was not run; nothing changed.", error.Message);
        Assert.Equal(before, OnBackend.Snapshot(c.World, c.Agents));
    }

    [Fact]
    public void A_corrupt_replay_state_refuses_the_tick()
    {
        using var c = new QAgentCase(1, doubleDqn: false);
        c.World.Get<ReplayState>(c.Agents[2]).Count = c.Spec.Capacity + 1;
        byte[] before = OnBackend.Snapshot(c.World, c.Agents);
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());

        var error = Assert.Throws<ModelDataException>(() => pipeline.Run(c.World));

        Assert.Contains("component ReplayState: Count is 17 and Next is 11", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, OnBackend.Snapshot(c.World, c.Agents));
    }

    [Fact]
    public void The_guard_skips_the_step_of_an_agent_whose_experience_turned_its_gradients_non_finite_and_quarantines_it()
    {
        using var c = new QAgentCase(5, doubleDqn: true, agents: 2);
        // A game that wrote its replay ring by hand, bypassing Record's check: every stored reward is NaN.
        Span<float> ring = c.World.GetSpan<float>(c.Agents[0], c.Spec.ReplayBuffer);
        for (int t = 0; t < c.Spec.Capacity; t++)
        {
            ring[(t * c.Spec.TransitionWidth) + c.Spec.ObservationWidth + 1] = float.NaN;
        }

        float[] parameters = c.World.GetSpan<float>(c.Agents[0], c.Spec.Model.Parameters).ToArray();
        float[] target = c.World.GetSpan<float>(c.Agents[0], c.Spec.TargetParameters).ToArray();
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());
        for (int tick = 1; tick <= TrainingSettings.DefaultFailuresBeforeQuarantine; tick++)
        {
            TickReport report = pipeline.Run(c.World);
            Assert.Equal([c.Agents[0]], report.StepsSkipped.ToArray());
        }

        Assert.True(c.World.Has<Quarantined>(c.Agents[0]));
        Assert.Equal(parameters, c.World.GetSpan<float>(c.Agents[0], c.Spec.Model.Parameters).ToArray());
        Assert.Equal(target, c.World.GetSpan<float>(c.Agents[0], c.Spec.TargetParameters).ToArray());
        Assert.Equal(0, c.World.Get<QAgentState>(c.Agents[0]).TargetSyncs);
        Assert.Equal(3, c.World.Get<TrainingState>(c.Agents[1]).OptimizerSteps);
        Assert.False(c.World.Has<Quarantined>(c.Agents[1]));
    }

    [Theory]
    [InlineData(5f)]
    [InlineData(-1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void An_invalid_action_in_a_hand_written_ring_is_contained_by_the_guard(float action)
    {
        using var c = new QAgentCase(9, doubleDqn: false, agents: 2);
        Span<float> ring = c.World.GetSpan<float>(c.Agents[0], c.Spec.ReplayBuffer);
        for (int t = 0; t < c.Spec.Capacity; t++)
        {
            ring[(t * c.Spec.TransitionWidth) + c.Spec.ObservationWidth] = action;
        }

        float[] parameters = c.World.GetSpan<float>(c.Agents[0], c.Spec.Model.Parameters).ToArray();
        float[] neighbour = c.World.GetSpan<float>(c.Agents[1], c.Spec.Model.Targets).ToArray();
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());
        TickReport report = pipeline.Run(c.World);

        Assert.Equal([c.Agents[0]], report.StepsSkipped.ToArray());
        Assert.Equal(parameters, c.World.GetSpan<float>(c.Agents[0], c.Spec.Model.Parameters).ToArray());
        Assert.Equal(1, c.World.Get<TrainingState>(c.Agents[1]).OptimizerSteps);
        Assert.NotEqual(neighbour, c.World.GetSpan<float>(c.Agents[1], c.Spec.Model.Targets).ToArray()); // its own targets
        Assert.All(c.World.GetSpan<float>(c.Agents[1], c.Spec.Model.Targets).ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Under_a_tiny_budget_agents_act_and_train_in_turn_as_every_stage_is_budgeted()
    {
        // The whole-tick budget covers inference too: a deferred agent keeps its last action that tick, as a deferred
        // model keeps its last outputs, and the rotation serves every agent in turn.
        using var c = new QAgentCase(6, doubleDqn: false, agents: 200);
        var options = new PipelineOptions { Threads = 2, TrainingBudget = TimeSpan.FromTicks(1) };
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages(), options);
        int trained = 0, inferred = 0;
        for (int tick = 0; tick < 400; tick++)
        {
            TickReport report = pipeline.Run(c.World);
            trained += report.EntitiesTrained;
            inferred += report.EntitiesInferred;
            Assert.InRange(report.EntitiesInferred, 1, 199);
        }

        Assert.All(c.Agents, e => Assert.InRange(c.World.Get<QAgentState>(e).Decisions, 1, 399));
        Assert.Equal(inferred, c.Agents.Sum(e => c.World.Get<QAgentState>(e).Decisions));
        long steps = c.Agents.Sum(e => c.World.Get<TrainingState>(e).OptimizerSteps);
        Assert.Equal(trained, steps);
        Assert.InRange(steps, 1, 199); // the first, unmeasured tick trains some; none after, under overload
    }

    [Fact]
    public void Decision_periods_spread_agents_over_ticks_and_each_decides_and_trains_on_its_own_ticks()
    {
        using var c = new QAgentCase(8, doubleDqn: false, agents: 6);
        for (int i = 0; i < c.Agents.Count; i++)
        {
            c.World.Add(c.Agents[i], new DecisionPeriod { Period = 3, Phase = i * 3 / c.Agents.Count });
        }

        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());
        for (int tick = 0; tick < 9; tick++)
        {
            TickReport report = pipeline.Run(c.World);
            Assert.Equal(2, report.EntitiesInferred);
            for (int i = 0; i < c.Agents.Count; i++)
            {
                int phase = i * 3 / c.Agents.Count;
                long expected = (tick / 3) + (tick % 3 >= phase ? 1 : 0);
                Assert.Equal(expected, c.World.Get<QAgentState>(c.Agents[i]).Decisions);
                Assert.Equal(expected, c.World.Get<TrainingState>(c.Agents[i]).OptimizerSteps);
            }
        }
    }

    [Fact]
    public void Results_are_bitwise_identical_for_any_thread_count()
    {
        byte[] Run(int threads)
        {
            using var c = new QAgentCase(7, doubleDqn: true, agents: 37);
            using var pipeline = new TrainingPipeline(QAgentSpec.Stages(), new PipelineOptions { Threads = threads });
            var random = new Random(11);
            for (int tick = 0; tick < 25; tick++)
            {
                pipeline.Run(c.World);
                foreach (Entity e in c.Agents)
                {
                    float[] next = Kernels.KernelAssert.RandomFloats(random, c.Spec.ObservationWidth);
                    Span<float> observation = c.World.GetSpan<float>(e, c.Spec.Observation);
                    c.Spec.Record(c.World, e, observation, c.World.Get<QAgentState>(e).Action, (float)random.NextDouble(), next, false);
                    next.CopyTo(observation);
                }
            }

            return OnBackend.Snapshot(c.World, c.Agents);
        }

        byte[] one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(3));
    }

    [Fact]
    public void OpenCl_runs_the_q_learning_stages_when_asked_for_and_auto_may_choose_it()
    {
        using TickExecutor device = OnBackend.Executor(TestBackend.OpenCl);
        using (var pipeline = new TrainingPipeline(QAgentSpec.Stages(), null, device, ownsExecutor: false))
        using (var c = new QAgentCase(2, doubleDqn: false, agents: 2))
        {
            pipeline.Run(c.World);
            HostResidency.BeforeHostRead(c.World);
            Assert.Equal(1, c.World.Get<TrainingState>(c.Agents[0]).OptimizerSteps);
        }

        using FallbackPipeline asked = TrainingBackends.CreatePipeline(BackendKind.OpenCl, QAgentSpec.Stages(), null, out _, OpenClTestDevice.Selection);
        Assert.Equal(BackendKind.OpenCl, asked.ActiveBackend);
        using FallbackPipeline auto = TrainingBackends.CreatePipeline(BackendKind.Auto, QAgentSpec.Stages(), null, out string description,
            OpenClTestDevice.Selection);
        Assert.DoesNotContain("cannot run this pipeline", description, StringComparison.Ordinal);
        using var agents = new QAgentCase(2, doubleDqn: false, agents: 2);
        auto.Run(agents.World);
        auto.SynchronizeToHost(agents.World);
        Assert.Equal(1, agents.World.Get<TrainingState>(agents.Agents[0]).OptimizerSteps);
    }
}
