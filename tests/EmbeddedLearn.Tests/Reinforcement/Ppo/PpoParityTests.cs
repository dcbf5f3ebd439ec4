using System.Text.Json;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;
using EmbeddedLearn.Tests.Behaviour;
using Xunit;

namespace EmbeddedLearn.Tests.Reinforcement.Ppo;

/// <summary>
/// Every case of Data/torch-ppo.json (libtorch through TorchSharp, peer/ParityGenerator) replayed through the engine's
/// PPO stages on the CPU backend and on OpenCL (the device's kernel family, and the gpu family forced on PoCL for the
/// models no wider than <see cref="PpoDeviceParityTests.GpuFamilyWidest"/>; skipped without a device): GAE advantages and returns, the minibatch order, per minibatch the policy, value,
/// entropy and total losses, approximate KL and clip fraction, the first minibatch's gradients (network and log-std,
/// after clipping), and the parameters and log-std after every optimizer step, each within relative 1e-4 (absolute floor
/// 1e-6).
/// </summary>
public sealed class PpoParityTests
{
    private const double Relative = 1e-4;
    private const double Floor = 1e-6;

    public static TheoryData<string, TestBackend> Cases
    {
        get
        {
            var cases = new TheoryData<string, TestBackend>();
            foreach (PpoFixtureCase c in PpoFixtureCase.All)
            {
                // The device's own kernel family, and the gpu family forced on PoCL for the models no wider than
                // PpoDeviceParityTests.GpuFamilyWidest (9 of the 12).
                foreach (TestBackend backend in (TestBackend[])[TestBackend.Cpu, TestBackend.OpenCl, TestBackend.OpenClGpuKernels])
                {
                    if (backend != TestBackend.OpenClGpuKernels || c.Layers.Max() <= PpoDeviceParityTests.GpuFamilyWidest)
                    {
                        cases.Add(c.Name, backend);
                    }
                }
            }

            return cases;
        }
    }

    [Fact]
    public void The_fixture_covers_what_the_issue_asks()
    {
        IReadOnlyList<PpoFixtureCase> cases = PpoFixtureCase.All;
        Assert.True(cases.Count >= 10);
        Assert.Contains(cases, c => c.Kind == PpoActionKind.Continuous);
        Assert.Contains(cases, c => c.Kind == PpoActionKind.Discrete);
        Assert.Contains(cases, c => c.Settings.ValueClip > 0f);
        Assert.Contains(cases, c => c.Settings.ValueClip == 0f);
        Assert.Contains(cases, c => !c.Settings.NormalizeAdvantages);
        Assert.Contains(cases, c => c.Settings.EntropyCoefficient > 0f);
        Assert.Contains(cases, c => c.Training.MaxGradNorm > 0f);
        Assert.Contains(cases, c => c.Training.Optimizer == OptimizerKind.Sgd);
        Assert.Contains(cases, c => c.Training.Optimizer == OptimizerKind.Adam);
        Assert.Contains(cases, c => c.Settings.Epochs >= 2 && c.Slots * c.Horizon > c.Minibatch);
        Assert.Contains(cases, c => c.Floats("dones").Contains(1f));
        Assert.True(cases.Select(c => c.Activation).Distinct().Count() >= 4);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_fixed_rollout_trains_as_libtorch_trains_it(string name, TestBackend backend)
    {
        PpoFixtureCase c = PpoFixtureCase.All.Single(x => x.Name == name);
        using var world = new World();
        ModelSpec model = ModelSpec.Get(new ModelLayout(c.Layers, c.Activation), c.Minibatch);
        PpoSpec spec = PpoSpec.Get(model, c.Kind, c.Slots, c.Horizon);
        Entity brain = spec.Spawn(world, c.Training, c.Settings, c.Floats("initial_parameters"), c.Floats("initial_log_std"), seed: 1);
        spec.LoadRollout(world, brain, c.Floats("observations"), c.Floats("actions"), c.Floats("old_log_probs"), c.Floats("old_values"),
            c.Floats("rewards"), c.Floats("dones"), c.Floats("last_values"), c.ShuffleSeed);

        float[] targets = world.GetSpan<float>(brain, spec.Targets).ToArray();
        AssertClose(c.Floats("advantages"), [.. targets.Where((_, i) => i % 2 == 0)], name + " advantages");
        AssertClose(c.Floats("returns"), [.. targets.Where((_, i) => i % 2 == 1)], name + " returns");

        using TrainingPipeline pipeline = OnBackend.Pipeline(backend, PpoSpec.Stages(), new PipelineOptions { Threads = 1 });
        var parameters = new float[model.Layout.ParameterCount];
        JsonElement[] minibatches = c.Minibatches;
        for (int k = 0; k < minibatches.Length; k++)
        {
            JsonElement expected = minibatches[k];
            string at = name + " minibatch " + k;
            PpoState before = world.Get<PpoState>(brain);
            int[] rows = [.. expected.GetProperty("rows").EnumerateArray().Select(e => e.GetInt32())];
            int start = before.Minibatch * c.Minibatch;
            Assert.Equal(rows, world.GetSpan<int>(brain, spec.Order).Slice(start, rows.Length).ToArray());
            Assert.True(before.Updating, at);

            pipeline.Run(world);
            HostResidency.BeforeHostRead(world); // what the device computed, home (a no-op on the CPU)

            PpoStats stats = world.Get<PpoStats>(brain);
            AssertClose(expected, "policy_loss", stats.PolicyLoss, at);
            AssertClose(expected, "value_loss", stats.ValueLoss, at);
            AssertClose(expected, "entropy", stats.Entropy, at);
            AssertClose(expected, "total_loss", stats.TotalLoss, at);
            AssertClose(expected, "approx_kl", stats.ApproxKl, at);
            Assert.Equal(expected.GetProperty("clip_fraction").GetSingle(), stats.ClipFraction, 1e-6f);
            Assert.Equal(k + 1, stats.Minibatches);
            Assert.Equal(k + 1, world.Get<TrainingState>(brain).OptimizerSteps);
            if (k == 0)
            {
                spec.Model.ExportGradients(world, brain, parameters);
                AssertClose(PpoFixtureCase.Floats(expected, "gradients"), parameters, at + " gradients");
                if (spec.LogStdGradient is not null)
                {
                    AssertClose(PpoFixtureCase.Floats(expected, "log_std_gradient"), world.GetSpan<float>(brain, spec.LogStdGradient).ToArray(),
                        at + " log-std gradient");
                }
            }

            spec.Model.ExportParameters(world, brain, parameters);
            AssertClose(PpoFixtureCase.Floats(expected, "parameters_after_step"), parameters, at + " parameters");
            if (spec.LogStd is not null)
            {
                AssertClose(PpoFixtureCase.Floats(expected, "log_std_after_step"), spec.ReadLogStd(world, brain).ToArray(), at + " log-std");
            }
        }

        PpoState after = world.Get<PpoState>(brain);
        Assert.False(after.Updating);
        Assert.Equal(1, after.Updates);
        Assert.Equal(c.Permutations[^1], world.GetSpan<int>(brain, spec.Order).ToArray());
    }

    private static void AssertClose(JsonElement expected, string name, float actual, string at) =>
        AssertClose([expected.GetProperty(name).GetSingle()], [actual], at + " " + name);

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = Math.Max(Floor, Relative * Math.Abs(expected[i]));
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance,
                $"{what}[{i}]: expected {expected[i]:R}, engine {actual[i]:R} (difference {Math.Abs(actual[i] - expected[i]):G3}, tolerance {tolerance:G3})");
        }
    }
}
