using System.Globalization;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement.Ppo;

/// <summary>The PPO stages on the OpenCL device against the CPU: the same brains and members, the
/// same observations (one of them NaN), rewards and episode ends, two minibatches a tick, gradients clipped, tick after
/// tick through several updates: the same decisions and counters (every <see cref="PpoState"/> field, random streams
/// included), actions, log-probs, values, parameters, log-std and losses within the cross-backend tolerance. Skips without
/// a device.</summary>
public sealed class PpoDeviceParityTests
{
    /// <summary>On the device's own kernel family (the gpu family on a GPU). Not the gpu family forced on PoCL: PoCL takes
    /// about five and a half minutes to build the loss body at one entity per work-item (the cpu family's build of the same
    /// body takes seconds), which this CI cannot pay; it passed when run by hand (see docs/backends.md).</summary>
    public static TheoryData<TestBackend, PpoActionKind> Cases => new()
    {
        { TestBackend.OpenCl, PpoActionKind.Continuous }, { TestBackend.OpenCl, PpoActionKind.Discrete },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_device_decides_and_learns_as_the_cpu(TestBackend backend, PpoActionKind kind)
    {
        using var cpu = new PpoReach(brains: 3, members: 6, kind, horizon: 4, minibatch: 8);
        using var device = new PpoReach(brains: 3, members: 6, kind, horizon: 4, minibatch: 8);
        using TrainingPipeline onCpu = OnBackend.Pipeline(TestBackend.Cpu, PpoSpec.Stages(minibatchesPerTick: 2));
        using TrainingPipeline onDevice = OnBackend.Pipeline(backend, PpoSpec.Stages(minibatchesPerTick: 2));
        for (int tick = 0; tick < 24; tick++)
        {
            int bad = tick == 6 ? 4 : -1; // one member's observation holds NaN: it takes no decision this tick
            cpu.Observe(bad);
            device.Observe(bad);
            TickReport expected = onCpu.Run(cpu.World);
            TickReport actual = onDevice.Run(device.World);
            string tickName = string.Format(CultureInfo.InvariantCulture, "{0} {1}, tick {2}", backend, kind, tick);
            Assert.True(Sorted(expected.Waiting).SequenceEqual(Sorted(actual.Waiting)), tickName + ": waiting " + string.Join(",", Sorted(expected.Waiting))
                + " != " + string.Join(",", Sorted(actual.Waiting)));
            Assert.True(Sorted(expected.Clipped).SequenceEqual(Sorted(actual.Clipped)), tickName + ": clipped");
            Assert.Equal(expected.EntitiesTrained, actual.EntitiesTrained);
            HostResidency.BeforeHostRead(device.World);
            for (int b = 0; b < cpu.Brains.Length; b++)
            {
                string when = string.Format(CultureInfo.InvariantCulture, "{0} {1}, tick {2}, brain {3}", backend, kind, tick, b);
                Entity want = cpu.Brains[b], got = device.Brains[b];
                Assert.True(cpu.World.Get<PpoState>(want) == device.World.Get<PpoState>(got),
                    when + ": " + cpu.World.Get<PpoState>(want) + " != " + device.World.Get<PpoState>(got));
                OnBackend.AssertSameCounters(cpu.World.Get<TrainingState>(want), device.World.Get<TrainingState>(got), when);
                AssertClose(Stats(cpu.World.Get<PpoStats>(want)), Stats(device.World.Get<PpoStats>(got)), when + ", stats");
                Assert.Equal(cpu.World.Get<PpoStats>(want).Minibatches, device.World.Get<PpoStats>(got).Minibatches);
                AssertClose(cpu.World.GetSpan<float>(want, cpu.Spec.Slots), device.World.GetSpan<float>(got, device.Spec.Slots), when + ", slots");
                AssertClose(cpu.World.GetSpan<float>(want, cpu.Spec.Rollouts), device.World.GetSpan<float>(got, device.Spec.Rollouts), when + ", rollouts");
                AssertClose(cpu.World.GetSpan<float>(want, cpu.Spec.Model.Parameters), device.World.GetSpan<float>(got, device.Spec.Model.Parameters),
                    when + ", parameters");
                if (kind == PpoActionKind.Continuous)
                {
                    AssertClose(cpu.Spec.ReadLogStd(cpu.World, want), device.Spec.ReadLogStd(device.World, got), when + ", log-std");
                }
            }

            cpu.Apply();
            device.Apply();
        }

        Assert.True(cpu.World.Get<PpoState>(cpu.Brains[0]).Updates >= 3, "the run covers several updates");
    }

    /// <summary>A tick's list of entities in entity order (threads append in any order).</summary>
    private static int[] Sorted(ReadOnlySpan<Entity> entities) => [.. entities.ToArray().Select(e => e.Id).Order()];

    private static float[] Stats(PpoStats s) =>
        [s.PolicyLoss, s.ValueLoss, s.Entropy, s.TotalLoss, s.ApproxKl, s.ClipFraction, s.MeanReward];

    /// <summary>Within the cross-backend tolerance (relative 1e-4, absolute floor 1e-6); NaN where NaN is expected.</summary>
    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            bool same = float.IsNaN(expected[i]) ? float.IsNaN(actual[i])
                : Math.Abs(expected[i] - actual[i]) <= Math.Max(1e-4 * Math.Abs(expected[i]), 1e-6);
            Assert.True(same, string.Format(CultureInfo.InvariantCulture, "{0}, element {1}: expected {2:R}, got {3:R}", what, i,
                expected[i], actual[i]));
        }
    }
}
