using System.Text.Json;
using EmbeddedLearn.Demos.Arena;
using EmbeddedLearn.Demos.Arena.Steering;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>The steering scene's PPO groups: the shared brain learns to steer, a seed fixes everything learned on any
/// thread count, the page's controls reach the brains (pause, act on the mean, reset, learning rate), and the brains
/// train on OpenCL after a switch and back.</summary>
public sealed class SteeringLearningTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("steering-ppo-test-");

    [Fact]
    public void The_shared_brain_learns_from_its_start_to_near_the_heuristic()
    {
        JsonElement summary = Run([SteeringGroupSpec.SharedPpo, SteeringGroupSpec.Heuristic, SteeringGroupSpec.Random], agents: 64, seed: 7,
            threads: 1, "learn", frames: 6000);
        JsonElement shared = summary.GetProperty("groups")[0];
        double heuristic = Summaries.Figure(summary, "heuristic_mean_reward"), random = Summaries.Figure(summary, "random_baseline_mean_reward");

        // Seed 7, 64 agents, 6,000 frames (1,500 decisions): -0.018753 -> 0.134584, 86% of the heuristic's 0.157103;
        // random -0.081444. The same bits on any thread count and CPU, so the figures are exact.
        Assert.Equal(-0.018753, Summaries.Figure(shared, "mean_reward_first_20pct"));
        Assert.Equal(0.134584, Summaries.Figure(shared, "mean_reward_last_20pct"));
        Assert.Equal(0.157103, heuristic);
        Assert.True(Summaries.Figure(shared, "mean_reward_last_20pct") > 0.8 * heuristic, summary.ToString());
        Assert.True(Summaries.Figure(shared, "mean_reward_last_20pct") > random + 0.2, summary.ToString());
        Assert.Equal(Summaries.Figure(shared, "mean_reward_last_20pct"), Summaries.Figure(summary, "mean_reward_last_20pct"));
        Assert.StartsWith("PPO Continuous [12,32,32,3] tanh, minibatch 256, capacity 64, horizon 32, 1 brain", shared.GetProperty("ppo").GetString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_seed_gives_the_same_summary_on_one_and_two_threads()
    {
        string one = Summaries.WithoutTimings(Run(SteeringGroupSpec.Defaults, agents: 16, seed: 5, threads: 1, "one", frames: 400));
        string two = Summaries.WithoutTimings(Run(SteeringGroupSpec.Defaults, agents: 16, seed: 5, threads: 2, "two", frames: 400));

        Assert.Equal(one, two);
    }

    [Fact]
    public void Pause_trains_nothing_and_resume_trains_again()
    {
        using var scene = new SteeringScene(SteeringGroupSpec.Defaults, 8, seed: 3, decisionFrames: 4);
        Run(scene, 200);
        string before = scene.Fingerprint;

        scene.Paused = true;
        Run(scene, 200);

        Assert.Equal(before, scene.Fingerprint);
        Assert.Equal(0, scene.LastTrained);
        scene.Paused = false;
        Run(scene, 200);
        Assert.NotEqual(before, scene.Fingerprint);
    }

    [Fact]
    public void Greedy_makes_every_brain_act_on_its_mean_and_back()
    {
        using var scene = new SteeringScene(SteeringGroupSpec.Defaults, 8, seed: 3, decisionFrames: 4);

        scene.Greedy = true;

        Assert.All(scene.Brains.Where(b => b is not null), b => Assert.True(b!.Deterministic));
        scene.Greedy = false;
        Assert.All(scene.Brains.Where(b => b is not null), b => Assert.False(b!.Deterministic));
    }

    [Fact]
    public void Resetting_a_group_gives_it_fresh_brains_and_leaves_the_other_alone()
    {
        using var scene = new SteeringScene(SteeringGroupSpec.Defaults, 8, seed: 3, decisionFrames: 4);
        Run(scene, 200);
        SteeringBrains other = scene.Brains[1]!, old = scene.Brains[0]!;
        string trained = old.Fingerprint;

        scene.Reset(scene.Groups[0]);

        Assert.Equal(1, scene.Groups[0].Resets);
        Assert.NotSame(old, scene.Brains[0]);
        Assert.NotEqual(trained, scene.Brains[0]!.Fingerprint);
        Assert.Same(other, scene.Brains[1]);
        Assert.Equal(1, scene.Brains[0]!.Count);
        Assert.Equal(8, scene.Brains[1]!.Count);
        Run(scene, 8); // the fresh brains act and train
    }

    [Fact]
    public void A_learning_rate_reaches_every_brain_of_the_group_and_only_that_group()
    {
        using var scene = new SteeringScene(SteeringGroupSpec.Defaults, 8, seed: 3, decisionFrames: 4);

        scene.SetLearningRate(scene.Groups[1], 0.002f);

        Assert.Equal(0.002f, scene.Brains[1]!.LearningRate);
        Assert.Equal(0.002f, scene.Groups[1].LearningRate);
        Assert.Equal(SteeringGroupSpec.SharedPpo.LearningRate, scene.Brains[0]!.LearningRate);
        Assert.Equal("PPO, per-entity brains 12-32-32-3 tanh, Adam lr 0.002", scene.Groups[1].Title);
    }

    [Fact]
    public void Switching_to_OpenCL_mid_run_trains_the_brains_on_the_device_through_a_pause_and_back()
    {
        using var scene = new SteeringScene(SteeringGroupSpec.Defaults, 8, seed: 3, decisionFrames: 4);
        Run(scene, 200);
        long minibatches = scene.Brains[0]!.Stats.Minibatches;

        scene.SwitchBackend(ArenaBackend.OpenCl);
        bool onDevice = scene.LearningDescription.StartsWith("OpenCL: ", StringComparison.Ordinal);
        if (!onDevice && Environment.GetEnvironmentVariable("EMBEDDEDLEARN_REQUIRE_OPENCL") == "1")
        {
            Assert.Fail("EMBEDDEDLEARN_REQUIRE_OPENCL=1 but OpenCL is unavailable: " + scene.LearningDescription);
        }

        Assert.SkipWhen(!onDevice, scene.LearningDescription);
        Run(scene, 200);
        Assert.True(scene.Brains[0]!.Stats.Minibatches > minibatches, "the shared brain's update went on on the device");
        Assert.True(float.IsFinite(scene.Brains[0]!.Stats.TotalLoss) && scene.Brains[0]!.LogStd.ToArray().All(float.IsFinite));
        scene.Paused = true;
        string paused = scene.Fingerprint;
        Run(scene, 40);
        Assert.Equal(paused, scene.Fingerprint);
        scene.Paused = false;
        Run(scene, 40);
        Assert.NotEqual(paused, scene.Fingerprint);
        scene.SwitchBackend(ArenaBackend.Cpu);
        Run(scene, 40);
        Assert.StartsWith("CPU: ", scene.LearningDescription, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    private static void Run(SteeringScene scene, int frames)
    {
        for (int f = 0; f < frames; f++)
        {
            scene.Frame();
        }
    }

    private JsonElement Run(IReadOnlyList<SteeringGroupSpec> groups, int agents, int seed, int threads, string name, int frames)
    {
        using (var scene = new SteeringScene(groups, agents, seed, ArenaOptions.SteeringDecisionFrames, threads))
        {
            SteeringHeadless.Run(scene, frames, _folder[name], output: null);
        }

        return JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder[name], "summary.json"))).RootElement;
    }
}
