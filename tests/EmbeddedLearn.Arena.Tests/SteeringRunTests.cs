using System.Text.Json;
using EmbeddedLearn.Demos.Arena;
using EmbeddedLearn.Demos.Arena.Steering;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>Headless steering runs: the summary's fields, exact figures for a seed, the heuristic far above random, and
/// a seed fixing the summary.</summary>
public sealed class SteeringRunTests : IDisposable
{
    private readonly TemporaryFolder _folder = new("steering-test-");

    [Fact]
    public void A_seeded_run_writes_every_field_and_the_heuristic_ends_far_above_random()
    {
        JsonElement summary = Run(seed: 7, "a", frames: 1200);

        Assert.Equal("steering", summary.GetProperty("scene").GetString());
        Assert.Equal(1200, summary.GetProperty("frames").GetInt32());
        Assert.Equal(300, summary.GetProperty("decisions").GetInt32());
        Assert.Equal(4, summary.GetProperty("decision_frames").GetInt32());
        Assert.Equal(64, summary.GetProperty("agents").GetInt32());
        foreach (string key in (string[])["heuristic_mean_reward", "random_baseline_mean_reward", "mean_reward_first_20pct", "mean_reward_last_20pct",
            "p50_frame_ms", "p99_frame_ms", "p50_tick_ms", "p99_tick_ms"])
        {
            Assert.Equal(JsonValueKind.Number, summary.GetProperty(key).ValueKind);
        }

        JsonElement[] groups = [.. summary.GetProperty("groups").EnumerateArray()];
        Assert.Contains("heuristic", groups[0].GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Contains("random", groups[1].GetProperty("name").GetString(), StringComparison.OrdinalIgnoreCase);
        double heuristic = Summaries.Figure(summary, "heuristic_mean_reward"), random = Summaries.Figure(summary, "random_baseline_mean_reward");
        Assert.True(heuristic > random + 0.15, summary.ToString());
        Assert.True(groups[0].GetProperty("goals_reached").GetInt64() > 20 * Math.Max(1, groups[1].GetProperty("goals_reached").GetInt64()), summary.ToString());
        Assert.True(groups[0].GetProperty("wall_frames").GetInt64() * 20 < groups[1].GetProperty("wall_frames").GetInt64(), summary.ToString());
        Assert.Equal(1.0, Summaries.Figure(groups[0], "last_20pct_of_heuristic"), 1);
        Assert.Equal((960, 400), Png.Size(Path.Combine(_folder["a"], "steering.png")));
        Assert.Equal((1000, 450), Png.Size(Path.Combine(_folder["a"], "reward.png")));
    }

    /// <summary>600 frames of seed 7; a change to the motion, the rewards or the heuristic shows here first.</summary>
    [Fact]
    public void Seed_7_gives_these_exact_figures()
    {
        JsonElement summary = Run(seed: 7, "exact", frames: 600);
        JsonElement[] groups = [.. summary.GetProperty("groups").EnumerateArray()];

        Assert.Equal(0.152673, Summaries.Figure(summary, "heuristic_mean_reward"));
        Assert.Equal(-0.061354, Summaries.Figure(summary, "random_baseline_mean_reward"));
        Assert.Equal(128, groups[0].GetProperty("goals_reached").GetInt64());
        Assert.Equal(3, groups[1].GetProperty("goals_reached").GetInt64());
        Assert.Equal(131, groups[0].GetProperty("hazard_frames").GetInt64());
        Assert.Equal(3124, groups[1].GetProperty("wall_frames").GetInt64());
    }

    [Fact]
    public void The_same_seed_gives_the_same_summary_apart_from_the_times_and_another_seed_another()
    {
        string first = Summaries.WithoutTimings(Run(seed: 5, "one", frames: 300));
        string second = Summaries.WithoutTimings(Run(seed: 5, "two", frames: 300));
        string other = Summaries.WithoutTimings(Run(seed: 6, "other", frames: 300));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    public void Dispose() => _folder.Dispose();

    private JsonElement Run(int seed, string name, int frames)
    {
        using (var scene = new SteeringScene([SteeringGroupSpec.Heuristic, SteeringGroupSpec.Random], 32, seed, ArenaOptions.SteeringDecisionFrames))
        {
            SteeringHeadless.Run(scene, frames, _folder[name], output: null);
        }

        return JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder[name], "summary.json"))).RootElement;
    }
}
