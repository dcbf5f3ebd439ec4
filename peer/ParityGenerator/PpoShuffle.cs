namespace EmbeddedLearn.Peer.Parity;

/// <summary>
/// The engine's documented minibatch shuffle (PpoRollout.Shuffle), written out here so that the fixture's order is
/// the engine's: SplitMix64 (<c>state += 0x9E3779B97F4A7C15</c>, then the 64-bit mix), <c>NextInt(k) = ((next >> 32) * k) >> 32</c>,
/// Fisher-Yates from the end, each epoch shuffling the previous epoch's order.
/// </summary>
internal sealed class PpoShuffle(ulong seed)
{
    private ulong _state = seed;

    internal void Shuffle(int[] order)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private int NextInt(int n) => (int)(((Next() >> 32) * (ulong)n) >> 32);

    private ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
