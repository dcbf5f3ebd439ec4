using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.OpenCl;

/// <summary>One run-time sized float component of an archetype on the device: the buffer (entity-major, row i of
/// the archetype at <c>i * ElementCount</c>), and for state the tick-start snapshot copy.</summary>
internal sealed class DeviceColumn(ComponentType type, nint buffer, nint snapshot)
{
    public ComponentType Type { get; } = type;

    public nint Buffer { get; } = buffer;

    /// <summary>The copy taken at the start of each tick (0 for per-tick data, which is not snapshotted).</summary>
    public nint Snapshot { get; } = snapshot;

    /// <summary>Whether this column is persistent training state (parameters, gradients, optimizer state).</summary>
    public bool IsState => Snapshot != 0;
}
