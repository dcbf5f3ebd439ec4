using System.Text.Json;
using System.Text.Json.Nodes;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>Reading a headless run's summary.json: a figure, and the whole summary without its wall-clock keys.</summary>
internal static class Summaries
{
    private static readonly string[] TimingKeys = ["p50_frame_ms", "p99_frame_ms", "p50_tick_ms", "p99_tick_ms"];

    public static double Figure(JsonElement summary, string key) => summary.GetProperty(key).GetDouble();

    /// <summary>The summary as JSON without <c>p50_frame_ms</c>, <c>p99_frame_ms</c>, <c>p50_tick_ms</c> and <c>p99_tick_ms</c>
    /// (wall clock), at any depth (a group's own tick times too).</summary>
    public static string WithoutTimings(JsonElement summary)
    {
        JsonNode node = JsonNode.Parse(summary.GetRawText())!;
        Strip(node);
        return node.ToJsonString();
    }

    private static void Strip(JsonNode? node)
    {
        if (node is JsonObject fields)
        {
            foreach (string key in TimingKeys)
            {
                fields.Remove(key);
            }

            foreach (KeyValuePair<string, JsonNode?> field in fields)
            {
                Strip(field.Value);
            }
        }
        else if (node is JsonArray items)
        {
            foreach (JsonNode? item in items)
            {
                Strip(item);
            }
        }
    }
}
