namespace EmbeddedLearn.Demos.Soak;

/// <summary>Memory at one tick: the managed heap live after a full collection and the process working set (managed,
/// native chunks, code), in MiB.</summary>
internal readonly record struct MemorySample(int Tick, double ManagedMiB, double WorkingSetMiB, int Entities, int Quarantined);
