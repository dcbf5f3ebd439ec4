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

    /// <summary>No exception and identical models.</summary>
    public bool Passed => Exceptions == 0 && ModelsDiffering == 0 && ModelsCompared > 0;
}
