using EmbeddedLearn.Training;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>A deterministic <see cref="ITickClock"/> (one unit a microsecond) that only moves when charged.</summary>
internal sealed class FakeTickClock : ITickClock
{
    private long _now;

    public long Frequency => 1_000_000;

    public long GetTimestamp() => Interlocked.Read(ref _now);

    public void Charge(long units) => Interlocked.Add(ref _now, units);
}
