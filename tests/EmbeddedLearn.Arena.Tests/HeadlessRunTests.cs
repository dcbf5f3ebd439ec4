using System.Text.Json;
using EmbeddedLearn.Demos.Arena;

namespace EmbeddedLearn.Arena.Tests;

public sealed class HeadlessRunTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "arena-test-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_seeded_run_hits_more_and_loses_less_at_the_end_than_at_the_start_in_every_group()
    {
        JsonElement summary = Run(seed: 11, threads: 1, "a");

        Assert.Equal(480, summary.GetProperty("frames").GetInt32());
        Assert.True(Summaries.Figure(summary, "hit_rate_last_20pct") > Summaries.Figure(summary, "hit_rate_first_20pct") + 0.2, summary.ToString());
        Assert.True(Summaries.Figure(summary, "mean_loss_last_20pct") < Summaries.Figure(summary, "mean_loss_first_20pct") / 5, summary.ToString());
        Assert.Equal(GroupSpec.Defaults.Count, summary.GetProperty("groups").GetArrayLength());
        foreach (JsonElement group in summary.GetProperty("groups").EnumerateArray())
        {
            Assert.True(Summaries.Figure(group, "mean_loss_last_20pct") < Summaries.Figure(group, "mean_loss_first_20pct"), group.ToString());
        }

        Assert.Equal((960, 400), Png.Size(Path.Combine(_directory, "a", "arena.png")));
        Assert.Equal((1200, 450), Png.Size(Path.Combine(_directory, "a", "learning.png")));
    }

    [Fact]
    public void The_same_seed_gives_the_same_summary_apart_from_frame_times_on_any_thread_count()
    {
        string first = Summaries.WithoutTimings(Run(seed: 5, threads: 1, "one"));
        string second = Summaries.WithoutTimings(Run(seed: 5, threads: 2, "two"));
        string other = Summaries.WithoutTimings(Run(seed: 6, threads: 1, "other"));

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

    private JsonElement Run(int seed, int threads, string name)
    {
        var options = new ArenaOptions(TurretsPerGroup: 24, threads, BudgetMs: null, ArenaBackend.Cpu, seed);
        using (ArenaScene scene = options.CreateScene(log: null))
        {
            HeadlessRun.Run(scene, frames: 480, Path.Combine(_directory, name), output: null);
        }

        return JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, name, "summary.json"))).RootElement;
    }
}
