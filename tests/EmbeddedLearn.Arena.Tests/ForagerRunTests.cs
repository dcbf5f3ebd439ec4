using System.Text.Json;
using EmbeddedLearn.Demos.Arena;
using EmbeddedLearn.Demos.Arena.Foragers;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>Headless foragers runs: agents learn to beat their own start and the random baseline, on the CPU and on an
/// OpenCL device; a seed fixes the summary on any thread count.</summary>
public sealed class ForagerRunTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "foragers-test-" + Guid.NewGuid().ToString("N"));
    private string _backendDescription = string.Empty;

    [Fact]
    public void In_a_seeded_run_both_learning_groups_end_well_above_their_start_and_the_random_baseline()
    {
        JsonElement summary = Run(seed: 11, threads: 1, "a", frames: 2400);

        Assert.Equal(2400, summary.GetProperty("frames").GetInt32());
        Assert.Equal(120, summary.GetProperty("learning_agents").GetInt32());
        double random = Summaries.Figure(summary, "random_baseline_mean_reward");
        foreach (JsonElement group in summary.GetProperty("groups").EnumerateArray().Where(g => g.GetProperty("learns").GetBoolean()))
        {
            // Measured for seed 11 (60 agents per group, 2,400 frames): DQN 0.0218 -> 0.0702, Double-DQN 0.0191 -> 0.0675,
            // random -0.0108; food eaten 1,225 (DQN) vs 98 (random).
            Assert.True(Summaries.Figure(group, "mean_reward_last_20pct") > Summaries.Figure(group, "mean_reward_first_20pct") + 0.025, group.ToString());
            Assert.True(Summaries.Figure(group, "mean_reward_last_20pct") > random + 0.05, group.ToString());
            Assert.Equal(random, Summaries.Figure(group, "random_baseline_mean_reward"));
        }

        JsonElement baseline = summary.GetProperty("groups")[2];
        Assert.False(baseline.GetProperty("learns").GetBoolean());
        Assert.True(summary.GetProperty("groups")[0].GetProperty("eaten").GetInt64() > 3 * baseline.GetProperty("eaten").GetInt64(), summary.ToString());
        Assert.Equal(Summaries.Figure(summary.GetProperty("groups")[0], "mean_reward_last_20pct"), Summaries.Figure(summary, "mean_reward_last_20pct"));
        Assert.Equal((960, 400), Png.Size(Path.Combine(_directory, "a", "foragers.png")));
        Assert.Equal((1000, 450), Png.Size(Path.Combine(_directory, "a", "reward.png")));
    }

    [Fact]
    public void On_the_OpenCL_device_both_learning_groups_learn_as_on_the_cpu()
    {
        JsonElement summary = Run(seed: 11, threads: 1, "opencl", frames: 2400, ArenaBackend.OpenCl);
        if (summary.GetProperty("backend").GetString() != "OpenCL" && Environment.GetEnvironmentVariable("EMBEDDEDLEARN_REQUIRE_OPENCL") == "1")
        {
            Assert.Fail("EMBEDDEDLEARN_REQUIRE_OPENCL=1 but the foragers ran on " + summary.GetProperty("backend").GetString() + ": " + _backendDescription);
        }

        Assert.SkipWhen(summary.GetProperty("backend").GetString() != "OpenCL", "No OpenCL device: the run fell back to the CPU.");
        double random = Summaries.Figure(summary, "random_baseline_mean_reward");
        foreach (JsonElement group in summary.GetProperty("groups").EnumerateArray().Where(g => g.GetProperty("learns").GetBoolean()))
        {
            // Measured for seed 11 on PoCL (60 agents per group, 2,400 frames): DQN 0.0218 -> 0.0697, Double-DQN
            // 0.0191 -> 0.0710, random -0.0105; food eaten 1,261 (DQN). The same bars as the CPU run's.
            Assert.True(Summaries.Figure(group, "mean_reward_last_20pct") > Summaries.Figure(group, "mean_reward_first_20pct") + 0.025, group.ToString());
            Assert.True(Summaries.Figure(group, "mean_reward_last_20pct") > random + 0.05, group.ToString());
        }

        JsonElement baseline = summary.GetProperty("groups")[2];
        Assert.True(summary.GetProperty("groups")[0].GetProperty("eaten").GetInt64() > 3 * baseline.GetProperty("eaten").GetInt64(), summary.ToString());
    }

    [Fact]
    public void The_same_seed_gives_the_same_summary_apart_from_frame_times_on_any_thread_count()
    {
        string first = Summaries.WithoutTimings(Run(seed: 5, threads: 1, "one", frames: 300));
        string second = Summaries.WithoutTimings(Run(seed: 5, threads: 2, "two", frames: 300));
        string other = Summaries.WithoutTimings(Run(seed: 6, threads: 1, "other", frames: 300));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private JsonElement Run(int seed, int threads, string name, int frames, ArenaBackend backend = ArenaBackend.Cpu)
    {
        var options = new ArenaOptions(TurretsPerGroup: 1, threads, BudgetMs: null, backend, seed, Scene: ArenaOptions.Foragers, ForagersPerGroup: 60);
        using (ForagersScene scene = options.CreateForagers())
        {
            ForagerHeadless.Run(scene, frames, Path.Combine(_directory, name), output: null);
            _backendDescription = scene.Learning.BackendDescription; // why, when it is not the device asked for
        }

        return JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, name, "summary.json"))).RootElement;
    }
}
