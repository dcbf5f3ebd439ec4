using System.Text.Json.Serialization;

namespace EmbeddedLearn.Peer;

/// <summary>One idiom's measurement.</summary>
internal sealed record PeerResult(
    [property: JsonPropertyName("idiom")] string Idiom,
    [property: JsonPropertyName("entities")] int Entities,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("ticks")] int Ticks,
    [property: JsonPropertyName("warmup")] int Warmup,
    [property: JsonPropertyName("mean_ms")] double MeanMs,
    [property: JsonPropertyName("p50_ms")] double P50Ms,
    [property: JsonPropertyName("p95_ms")] double P95Ms,
    [property: JsonPropertyName("p99_ms")] double P99Ms,
    [property: JsonPropertyName("max_ms")] double MaxMs,
    [property: JsonPropertyName("loss_before")] double LossBefore,
    [property: JsonPropertyName("loss_after")] double LossAfter,
    [property: JsonPropertyName("rss_before_mb")] double RssBeforeMb,
    [property: JsonPropertyName("rss_after_mb")] double RssAfterMb);
