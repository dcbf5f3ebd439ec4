using System.Text.Json.Serialization;

namespace EmbeddedLearn.Demos.FrameBudget;

/// <summary>The runner's figures, written as JSON with <c>--json</c>.</summary>
internal sealed record FrameBudgetResult
{
    [JsonPropertyName("entities")] public int Entities { get; init; }
    [JsonPropertyName("layout")] public string Layout { get; init; } = "";
    [JsonPropertyName("batch")] public int Batch { get; init; }
    [JsonPropertyName("threads")] public int Threads { get; init; }
    [JsonPropertyName("backend")] public string Backend { get; init; } = "";
    [JsonPropertyName("ticks")] public int Ticks { get; init; }
    [JsonPropertyName("min_ms")] public double MinMs { get; init; }
    [JsonPropertyName("p50_ms")] public double P50Ms { get; init; }
    [JsonPropertyName("p95_ms")] public double P95Ms { get; init; }
    [JsonPropertyName("p99_ms")] public double P99Ms { get; init; }
    [JsonPropertyName("max_ms")] public double MaxMs { get; init; }
    [JsonPropertyName("frame_p50_ms")] public double FrameP50Ms { get; init; }
    [JsonPropertyName("stage_ms")] public Dictionary<string, double> StageMs { get; init; } = [];
    [JsonPropertyName("device_ms")] public Dictionary<string, double> DeviceMs { get; init; } = [];
    [JsonPropertyName("host_ms")] public double? HostMs { get; init; }
    [JsonPropertyName("kernels")] public string? Kernels { get; init; }
    [JsonPropertyName("simd")] public string Simd { get; init; } = "";
    [JsonPropertyName("optimizer")] public string Optimizer { get; init; } = "";
    [JsonPropertyName("fingerprint")] public string? Fingerprint { get; init; }
    [JsonPropertyName("backend_choice")] public string? BackendChoice { get; init; }
    [JsonPropertyName("allocated_bytes_per_tick")] public double AllocatedBytesPerTick { get; init; }
    [JsonPropertyName("gc_collections")] public int GcCollections { get; init; }
    [JsonPropertyName("entities_per_second")] public double EntitiesPerSecond { get; init; }
    [JsonPropertyName("entities_trained_per_tick")] public double EntitiesTrainedPerTick { get; init; }
    [JsonPropertyName("flop_per_entity_tick")] public double FlopPerEntityTick { get; init; }
    [JsonPropertyName("gflops")] public double Gflops { get; init; }
    [JsonPropertyName("fma_peak_gflops")] public double FmaPeakGflops { get; init; }
    [JsonPropertyName("share_of_peak")] public double ShareOfPeak { get; init; }
    [JsonPropertyName("budget_ms")] public double? BudgetMs { get; init; }
    [JsonPropertyName("ticks_over_budget")] public int TicksOverBudget { get; init; }
    [JsonPropertyName("decision_period")] public int DecisionPeriod { get; init; }
    [JsonPropertyName("entities_inferred_per_tick")] public double EntitiesInferredPerTick { get; init; }
    [JsonPropertyName("entities_deferred_per_tick")] public double EntitiesDeferredPerTick { get; init; }
    [JsonPropertyName("inferred_per_agent_min_max")] public int[] InferredPerAgent { get; init; } = [];
    [JsonPropertyName("trained_per_agent_min_max")] public int[] TrainedPerAgent { get; init; } = [];
}
