using System.Text.Json;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>The parts of <c>summary.json</c> every agent scene writes alike: its head (scene, seed, frames, decisions,
/// decision period), its wall-clock times (<c>p50_frame_ms</c>, <c>p99_frame_ms</c>, <c>p50_tick_ms</c>,
/// <c>p99_tick_ms</c>; the ticks' 0 without any) and its figures (rounded to six decimals, null when undefined).</summary>
internal static class AgentSummary
{
    /// <summary>Writes <paramref name="path"/> as one indented JSON object whose fields <paramref name="body"/> writes.</summary>
    public static void Write(string path, Action<Utf8JsonWriter> body)
    {
        using FileStream file = File.Create(path);
        using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        body(json);
        json.WriteEndObject();
    }

    /// <summary>Writes <c>scene</c>, <c>seed</c>, <c>frames</c>, <c>decisions</c> and <c>decision_frames</c>.</summary>
    public static void WriteHead(Utf8JsonWriter json, string scene, int seed, RewardHistory history, int decisionFrames)
    {
        json.WriteString("scene", scene);
        json.WriteNumber("seed", seed);
        json.WriteNumber("frames", history.FrameMs.Count);
        json.WriteNumber("decisions", history.Reward[0].Count);
        json.WriteNumber("decision_frames", decisionFrames);
    }

    /// <summary>Writes the frames' and the learning ticks' median and 99th percentile times.</summary>
    public static void WriteTimes(Utf8JsonWriter json, RewardHistory history)
    {
        json.WriteNumber("p50_frame_ms", MetricsHistory.Percentile(history.FrameMs, 0.50));
        json.WriteNumber("p99_frame_ms", MetricsHistory.Percentile(history.FrameMs, 0.99));
        json.WriteNumber("p50_tick_ms", history.TickPercentile(0.50));
        json.WriteNumber("p99_tick_ms", history.TickPercentile(0.99));
    }

    /// <summary>Writes a figure rounded to six decimals, or null when it is not finite (say, no such group).</summary>
    public static void WriteFigure(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumber(name, Math.Round(value, 6));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
