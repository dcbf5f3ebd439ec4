using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Tests.Kernels;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement;

/// <summary>The Q-learning stages on the OpenCL device (both kernel families) against the CPU: the same agents, the same
/// observations and recorded transitions (bursts that send a ring round, a reinitialised agent; decision periods on odd
/// seeds), tick after tick: the same actions, random streams and counters, parameters
/// and target parameters within the cross-backend tolerance. Skips without a device.</summary>
public sealed class QDeviceParityTests
{
    public static TheoryData<TestBackend, int, bool> Cases => new()
    {
        { TestBackend.OpenCl, 0, false }, { TestBackend.OpenCl, 1, true }, { TestBackend.OpenCl, 2, false },
        { TestBackend.OpenCl, 3, true }, { TestBackend.OpenCl, 4, false },
        { TestBackend.OpenClGpuKernels, 0, true }, { TestBackend.OpenClGpuKernels, 1, false }, { TestBackend.OpenClGpuKernels, 2, true },
        { TestBackend.OpenClGpuKernels, 3, false }, { TestBackend.OpenClGpuKernels, 4, true },
    };

    /// <summary>Optimizers besides plain SGD, each on both kernel families: Adam with its gradients clipped, AdamW,
    /// SGD with Nesterov momentum and weight decay, and SGD accumulating over two ticks.</summary>
    public static TheoryData<TestBackend, int, string> Optimizers => new()
    {
        { TestBackend.OpenCl, 0, "Adam clipped" }, { TestBackend.OpenClGpuKernels, 1, "Adam clipped" },
        { TestBackend.OpenCl, 2, "AdamW" }, { TestBackend.OpenClGpuKernels, 3, "AdamW" },
        { TestBackend.OpenCl, 4, "SGD Nesterov" }, { TestBackend.OpenClGpuKernels, 0, "SGD Nesterov" },
        { TestBackend.OpenCl, 1, "SGD two ticks" }, { TestBackend.OpenClGpuKernels, 2, "SGD two ticks" },
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void The_device_learns_as_the_cpu_with_other_optimizers(TestBackend backend, int seed, string optimizer) =>
        Run(backend, seed, doubleDqn: seed % 2 == 0, OptimizerSettings[optimizer]);

    /// <summary>Each optimizer of <see cref="Optimizers"/> by name, for the agents' loss reduction.</summary>
    private static readonly Dictionary<string, Func<LossReduction, TrainingSettings>> OptimizerSettings = new()
    {
        ["Adam clipped"] = r => TrainingSettings.Adam(0.01f, reduction: r) with { MaxGradNorm = 0.4f },
        ["AdamW"] = r => TrainingSettings.AdamW(0.005f, beta1: 0.8f, weightDecay: 0.1f, reduction: r),
        ["SGD Nesterov"] = r => TrainingSettings.Sgd(0.03f, momentum: 0.9f, nesterov: true, weightDecay: 0.01f, reduction: r),
        ["SGD two ticks"] = r => TrainingSettings.Sgd(0.05f, momentum: 0.5f, dampening: 0.1f, reduction: r, accumulationSteps: 2),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_device_decides_and_learns_as_the_cpu(TestBackend backend, int seed, bool doubleDqn) =>
        Run(backend, seed, doubleDqn, training: null);

    private static void Run(TestBackend backend, int seed, bool doubleDqn, Func<LossReduction, TrainingSettings>? training)
    {
        using var cpu = new QAgentCase(seed, doubleDqn, agents: 11, recorded: 5, training: training);
        using var device = new QAgentCase(seed, doubleDqn, agents: 11, recorded: 5, training: training);
        Vary(cpu);
        Vary(device);
        if (seed % 2 == 1)
        {
            // Decision periods: a third of the agents decide and train each tick; the others are not served.
            foreach (QAgentCase c in (QAgentCase[])[cpu, device])
            {
                for (int a = 0; a < c.Agents.Count; a++)
                {
                    c.World.Add(c.Agents[a], new DecisionPeriod { Period = 3, Phase = a * 3 / c.Agents.Count });
                }
            }
        }

        using TrainingPipeline onCpu = OnBackend.Pipeline(TestBackend.Cpu, QAgentSpec.Stages());
        using TrainingPipeline onDevice = OnBackend.Pipeline(backend, QAgentSpec.Stages());
        var gameCpu = new Random(seed + 100);
        var gameDevice = new Random(seed + 100);
        for (int tick = 0; tick < 12; tick++)
        {
            TickReport expected = onCpu.Run(cpu.World);
            TickReport actual = onDevice.Run(device.World);
            Assert.Equal(expected.Waiting.ToArray(), actual.Waiting.ToArray());
            Assert.Equal(expected.EntitiesTrained, actual.EntitiesTrained);
            HostResidency.BeforeHostRead(device.World);
            for (int a = 0; a < cpu.Agents.Count; a++)
            {
                string when = $"{cpu}, tick {tick}, agent {a}";
                QAgentState want = cpu.World.Get<QAgentState>(cpu.Agents[a]);
                QAgentState got = device.World.Get<QAgentState>(device.Agents[a]);
                OnBackend.AssertClose([want.ActionValue], [got.ActionValue]);
                Assert.True(want with { ActionValue = 0f } == got with { ActionValue = 0f }, when + ": " + want + " != " + got);
                Assert.Equal(cpu.World.Get<ReplayState>(cpu.Agents[a]), device.World.Get<ReplayState>(device.Agents[a]));
                OnBackend.AssertSameCounters(cpu.World.Get<TrainingState>(cpu.Agents[a]), device.World.Get<TrainingState>(device.Agents[a]), when);
                foreach (ComponentType type in (ComponentType[])[cpu.Spec.Model.Parameters, cpu.Spec.TargetParameters])
                {
                    OnBackend.AssertClose(cpu.World.GetSpan<float>(cpu.Agents[a], type), device.World.GetSpan<float>(device.Agents[a], type));
                }
            }

            Play(cpu, gameCpu);
            Play(device, gameDevice);
            if (tick == 5)
            {
                Disrupt(cpu);
                Disrupt(device);
            }

            if (tick == 8)
            {
                // New settings written straight into the world, as a game may, on a tick that uploads nothing else anew.
                foreach (QAgentCase c in (QAgentCase[])[cpu, device])
                {
                    c.World.Set(c.Agents[10], c.World.Get<QLearningSettings>(c.Agents[10]) with { Greedy = true, Gamma = 0.3f, TargetSyncPeriod = 1 });
                }
            }
        }
    }

    /// <summary>What the game may do between two ticks besides its turn: one agent records more transitions than its ring
    /// holds (the ring goes round), another several at once, a third starts afresh (<see cref="QAgentSpec.Reinitialise"/>), and
    /// a fourth is quarantined.</summary>
    internal static void Disrupt(QAgentCase c)
    {
        var game = new Random(77);
        for (int t = 0; t < c.Spec.Capacity + 3; t++)
        {
            Record(c, c.Agents[6], game);
        }

        for (int t = 0; t < 3; t++)
        {
            Record(c, c.Agents[7], game);
        }

        c.Spec.Reinitialise(c.World, c.Agents[8], 1234);
        c.World.Add(c.Agents[9], new Quarantined { SinceTick = 5 }); // acts on, trains no more (an archetype that only infers)
    }

    private static void Record(QAgentCase c, Entity e, Random game) =>
        c.Spec.Record(c.World, e, KernelAssert.RandomFloats(game, c.Spec.ObservationWidth, 2), game.Next(c.Spec.ActionCount),
            (float)game.NextDouble(), KernelAssert.RandomFloats(game, c.Spec.ObservationWidth, 2), game.Next(3) == 0);

    /// <summary>Settings that cover the paths: an agent that waits for experience a few ticks, hard copies every few
    /// steps, Polyak averaging, a greedy agent, and one whose exploration decays fast.</summary>
    internal static void Vary(QAgentCase c)
    {
        c.World.Set(c.Agents[0], c.Q with { MinReplay = 8 });
        c.World.Set(c.Agents[1], c.Q with { TargetSyncPeriod = 3 });
        c.World.Set(c.Agents[2], c.Q with { TargetSyncPeriod = 0, Tau = 0.25f });
        c.World.Set(c.Agents[3], c.Q with { Greedy = true, TargetSyncPeriod = 2 });
        c.World.Set(c.Agents[4], c.Q with { EpsilonDecayDecisions = 7, EpsilonStart = 0.9f, EpsilonEnd = 0.2f });
    }

    /// <summary>The game's turn: every agent records the transition its action gave and sees a new observation (one
    /// in five records nothing this tick; one observation in the run holds NaN, so that agent keeps its last action).</summary>
    internal static void Play(QAgentCase c, Random game)
    {
        for (int a = 0; a < c.Agents.Count; a++)
        {
            Entity e = c.Agents[a];
            float[] next = KernelAssert.RandomFloats(game, c.Spec.ObservationWidth, 2);
            Span<float> observation = c.World.GetSpan<float>(e, c.Spec.Observation);
            if (game.Next(5) != 0 && FiniteCheck.FirstNonFinite(observation) < 0)
            {
                c.Spec.Record(c.World, e, observation, c.World.Get<QAgentState>(e).Action, (float)((game.NextDouble() * 2) - 1), next,
                    game.Next(6) == 0);
            }

            if (game.Next(40) == 0)
            {
                next[0] = float.NaN;
            }

            next.CopyTo(observation);
        }
    }
}
