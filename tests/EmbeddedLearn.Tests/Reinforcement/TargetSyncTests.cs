using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Kernels;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement;

/// <summary>The target network: hard copies every C steps, Polyak averaging, nothing when no step was taken.</summary>
public class TargetSyncTests
{
    [Fact]
    public void A_hard_copy_happens_exactly_every_period_steps()
    {
        using var c = new QAgentCase(1, doubleDqn: false, agents: 2);
        foreach (var agent in c.Agents)
        {
            c.World.Set(agent, c.Q with { TargetSyncPeriod = 3 });
        }

        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());
        float[] target = c.World.GetSpan<float>(c.Agents[0], c.Spec.TargetParameters).ToArray();
        for (int tick = 1; tick <= 7; tick++)
        {
            pipeline.Run(c.World);
            float[] now = c.World.GetSpan<float>(c.Agents[0], c.Spec.TargetParameters).ToArray();
            float[] online = c.World.GetSpan<float>(c.Agents[0], c.Spec.Model.Parameters).ToArray();
            if (tick % 3 == 0)
            {
                Assert.Equal(online, now);
                target = now;
            }
            else
            {
                Assert.Equal(target, now);
                Assert.NotEqual(online, now);
            }

            Assert.Equal(tick / 3, c.World.Get<QAgentState>(c.Agents[0]).TargetSyncs);
        }
    }

    [Fact]
    public void Polyak_averaging_moves_the_target_by_tau_after_every_step()
    {
        using var c = new QAgentCase(4, doubleDqn: true, agents: 1);
        c.World.Set(c.Agents[0], c.Q with { TargetSyncPeriod = 0, Tau = 0.3f });
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());
        for (int tick = 1; tick <= 3; tick++)
        {
            double[] before = KernelAssert.ToDouble(c.World.GetSpan<float>(c.Agents[0], c.Spec.TargetParameters));
            pipeline.Run(c.World);
            float[] online = c.World.GetSpan<float>(c.Agents[0], c.Spec.Model.Parameters).ToArray();
            double[] expected = before.Select((t, k) => t + (0.3 * (online[k] - t))).ToArray();
            KernelAssert.Close(expected, c.World.GetSpan<float>(c.Agents[0], c.Spec.TargetParameters), what: $"tick {tick} target");
            Assert.Equal(tick, c.World.Get<QAgentState>(c.Agents[0]).TargetSyncs);
        }
    }

    [Fact]
    public void After_a_release_with_a_fresh_optimizer_the_period_counts_from_zero_again()
    {
        using var c = new QAgentCase(3, doubleDqn: false, agents: 1);
        Entity agent = c.Agents[0];
        c.World.Set(agent, c.Q with { TargetSyncPeriod = 2 });
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());
        for (int tick = 0; tick < 5; tick++)
        {
            pipeline.Run(c.World);
        }

        Assert.Equal(4, c.World.Get<QAgentState>(agent).LastSyncStep);
        c.Spec.Model.Release(c.World, agent); // resets the step counter to 0, as a new optimizer
        pipeline.Run(c.World);
        Assert.Equal(0, c.World.Get<QAgentState>(agent).LastSyncStep);
        pipeline.Run(c.World);
        Assert.Equal(2, c.World.Get<QAgentState>(agent).LastSyncStep); // synced at step 2, not frozen until step 6
        Assert.Equal(c.World.GetSpan<float>(agent, c.Spec.Model.Parameters).ToArray(),
            c.World.GetSpan<float>(agent, c.Spec.TargetParameters).ToArray());
    }

    [Fact]
    public void Reinitialise_gives_a_fresh_agent_whose_target_is_its_new_network()
    {
        using var c = new QAgentCase(3, doubleDqn: false, agents: 2);
        Entity agent = c.Agents[0];
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages());
        for (int tick = 0; tick < 5; tick++)
        {
            pipeline.Run(c.World);
        }

        c.World.Add(agent, new Quarantined { SinceTick = 5 });
        ReplayState replay = c.World.Get<ReplayState>(agent);
        c.Spec.Reinitialise(c.World, agent, seed: 77);

        float[] fresh = c.World.GetSpan<float>(agent, c.Spec.Model.Parameters).ToArray();
        using (var probe = new World())
        {
            Entity reference = c.Spec.Spawn(probe, TrainingSettings.Sgd(0.05f), c.Q, 77);
            Assert.Equal(probe.GetSpan<float>(reference, c.Spec.Model.Parameters).ToArray(), fresh);
        }

        Assert.Equal(fresh, c.World.GetSpan<float>(agent, c.Spec.TargetParameters).ToArray());
        Assert.False(c.World.Has<Quarantined>(agent));
        Assert.Equal(0, c.World.Get<TrainingState>(agent).OptimizerSteps);
        Assert.Equal(0, c.World.Get<QAgentState>(agent).Decisions);
        Assert.Equal(replay, c.World.Get<ReplayState>(agent));
        Assert.Throws<InvalidOperationException>(() => c.Spec.Reinitialise(c.World, Entity.Null, 1));
    }
}
