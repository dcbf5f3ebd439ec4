using EmbeddedLearn.Components;
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
}
