namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood), a small deterministic generator: the same seed gives the same sequence
/// on every machine. <c>state += 0x9E3779B97F4A7C15</c>, then a 64-bit mix of the state.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    /// <summary>Starts the sequence from <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>The state: a generator started from it continues this sequence (to keep a stream in a component).</summary>
    public readonly ulong State => _state;

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A float uniform in <c>[0, 1)</c> from the top 24 bits (exact multiples of <c>2^-24</c>).</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>An integer in <c>[0, n)</c>, <c>n</c> at least 1: the top 32 bits scaled by n (Lemire's multiply-shift;
    /// the bias is below <c>n / 2^32</c>).</summary>
    public int NextInt(int n) => (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);
}
