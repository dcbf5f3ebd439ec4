namespace EmbeddedLearn.Demos.BudgetReport;

/// <summary>One measured point: an implementation at N entities and a thread count, with its tick-time percentiles.</summary>
internal sealed record Measurement(string Implementation, int Entities, int Threads, double P50Ms, double P99Ms, string Source);
