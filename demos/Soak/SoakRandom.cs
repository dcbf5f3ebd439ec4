namespace EmbeddedLearn.Demos.Soak;

/// <summary>SplitMix64 from a seed: the soak's samples and choices, without allocating a <see cref="Random"/> per call.</summary>
internal struct SoakRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A float in [0, 1).</summary>
    public float NextSingle()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return ((z ^ (z >> 31)) >> 40) * (1f / (1 << 24));
    }
}
