namespace EmbeddedLearn.Demos.Soak;

/// <summary>What a soak run found: memory over time, exceptions, what was contained, and whether the checkpointed run
/// ended with exactly the models of the run without checkpoints.</summary>
internal sealed record SoakResult(
    IReadOnlyList<MemorySample> Memory,
    int Exceptions,
    long LeftOut,
    long StepsSkipped,
    int Checkpoints,
    int ModelsCompared,
    int ModelsDiffering,
    double Seconds)
{
    /// <summary>Managed heap growth from the first sample after warm-up (the second) to the last, in MiB.</summary>
    public double ManagedGrowthMiB => Memory.Count < 3 ? 0 : Memory[^1].ManagedMiB - Memory[1].ManagedMiB;

    /// <summary>Working-set growth over the same span, in MiB.</summary>
    public double WorkingSetGrowthMiB => Memory.Count < 3 ? 0 : Memory[^1].WorkingSetMiB - Memory[1].WorkingSetMiB;

    /// <summary>Models found, at a memory sample, with a non-finite output, or quarantined with a non-finite parameter.</summary>
    public long UnsafeModels { get; init; }

    /// <summary>Background autosaves written and loaded back.</summary>
    public int Autosaves { get; init; }

    /// <summary>Exceptions on the other threads other than the documented refusal of a change during a tick.</summary>
    public int ThreadFailures { get; init; }

    /// <summary>Changes from another thread refused because a tick was running.</summary>
    public long Refused { get; init; }

    /// <summary>No exception on any thread, nothing unsafe handed out, and identical models.</summary>
    public bool Passed => Exceptions == 0 && ThreadFailures == 0 && UnsafeModels == 0 && ModelsDiffering == 0 && ModelsCompared > 0;
}
