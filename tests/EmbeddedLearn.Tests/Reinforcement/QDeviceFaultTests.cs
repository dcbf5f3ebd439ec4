using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.OpenCl;
using EmbeddedLearn.Tests.OpenCl;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement;

/// <summary>An OpenCL failure in the middle of a Q-learning tick: the world gets back exactly the state the device had at
/// the start of that tick (target networks, agent states and counters included), wherever the failure struck.</summary>
public sealed class QDeviceFaultTests
{
    /// <summary>Where the fault strikes: the n-th enqueue (uploads, the snapshot's copies, each stage's launch) or read.</summary>
    public static TheoryData<string, int> Faults => new()
    {
        { "Enqueue", 0 }, { "Enqueue", 6 }, { "Enqueue", 12 }, { "Enqueue", 20 }, { "Enqueue", 22 }, { "Enqueue", 24 },
        { "Read", 0 }, { "Read", 1 }, { "Read", 2 },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void A_fault_during_a_tick_restores_the_agents_tick_start_state_exactly(string operationName, int after)
    {
        var plan = new FaultPlan();
        using OpenClBackend backend = OpenClTestDevice.CreateBackend(OpenClTestDevice.Selection with { FaultInjector = plan });
        using var c = new QAgentCase(3, doubleDqn: true, agents: 7, recorded: 5);
        QDeviceParityTests.Vary(c);
        c.World.Set(c.Agents[5], c.Q with { TargetSyncPeriod = 1 }); // its target network changes every tick
        using var pipeline = new TrainingPipeline(QAgentSpec.Stages(), null, backend, ownsExecutor: false);
        var game = new Random(4);
        for (int tick = 0; tick < 4; tick++)
        {
            pipeline.Run(c.World);
            QDeviceParityTests.Play(c, game);
        }

        backend.SynchronizeToHost(c.World);
        byte[][] before = [.. c.Agents.Select(e => Resident(c, e))];
        foreach (Entity e in c.Agents)
        {
            // The host's copies go stale (the device holds the state): only what the device had can bring them back.
            c.World.GetSpan<float>(e, c.Spec.Model.Parameters).Fill(7f);
            c.World.GetSpan<float>(e, c.Spec.TargetParameters).Fill(-7f);
        }

        plan.Operation = Enum.Parse<OpenClOperation>(operationName);
        plan.After = after;
        plan.Armed = true;
        Assert.Throws<OpenClException>(() => pipeline.Run(c.World));
        Assert.Equal(1, plan.Fired);
        Assert.True(backend.RecoverToHost(c.World, out string detail), detail);
        for (int a = 0; a < c.Agents.Count; a++)
        {
            Assert.True(before[a].AsSpan().SequenceEqual(Resident(c, c.Agents[a])), $"agent {a} differs after recovery ({detail})");
        }
    }

    /// <summary>What an agent keeps from tick to tick, as bytes: the model's state, the target network, the agent's state,
    /// its replay state and counters (the per-tick outcome aside).</summary>
    private static byte[] Resident(QAgentCase c, Entity e)
    {
        ModelSpec m = c.Spec.Model;
        ComponentType[] types = [m.Parameters, m.Gradients, c.Spec.TargetParameters, c.Spec.ReplayBuffer, ComponentType.Of<QAgentState>(),
            ComponentType.Of<ReplayState>()];
        TrainingState state = c.World.Get<TrainingState>(e) with { Outcome = TickOutcome.None };
        return [.. types.SelectMany(t => ComponentBytes.Of(c.World, e, t)), .. ComponentBytes.Fields(state)];
    }
}
