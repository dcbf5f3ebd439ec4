using System.Text.Json;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>Reading a headless run's summary.json: a figure, and the whole summary without its wall-clock keys.</summary>
internal static class Summaries
{
    private static readonly string[] TimingKeys = ["p50_frame_ms", "p99_frame_ms", "p50_tick_ms", "p99_tick_ms"];

    public static double Figure(JsonElement summary, string key) => summary.GetProperty(key).GetDouble();

    /// <summary>The summary as JSON without <c>p50_frame_ms</c>, <c>p99_frame_ms</c>, <c>p50_tick_ms</c> and <c>p99_tick_ms</c>
    /// (wall clock).</summary>
    public static string WithoutTimings(JsonElement summary) =>
        JsonSerializer.Serialize(summary.EnumerateObject().Where(p => !TimingKeys.Contains(p.Name)).ToDictionary(p => p.Name, p => p.Value));
}
