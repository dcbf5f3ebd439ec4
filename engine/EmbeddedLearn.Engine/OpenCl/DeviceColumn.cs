using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.OpenCl;

/// <summary>One run-time sized float component of an archetype on the device: the buffer (interleaved, element k of
/// row e at <c>k * stride + e</c>, see <see cref="InterleavedLayout"/>), for state the tick-start snapshot copy, and
/// for per-tick samples and results an entity-major transfer buffer that host memory is copied to or from and that
/// a conversion kernel turns into the interleaved layout or back, with its pinned host staging array.</summary>
internal sealed class DeviceColumn(ComponentType type, nint buffer, nint snapshot, nint transfer)
{
    /// <summary>Pinned host copy of <see cref="Transfer"/> ([count, elements], entity-major), allocated once: the chunks
    /// are gathered into it so that a tick moves each per-tick component with one transfer, not one per chunk.</summary>
    public float[] Staging { get; init; } = [];

    public ComponentType Type { get; } = type;

    public nint Buffer { get; } = buffer;

    /// <summary>The copy taken at the start of each tick (0 for per-tick data, which is not snapshotted).</summary>
    public nint Snapshot { get; } = snapshot;

    /// <summary>The entity-major staging buffer of a per-tick column ([count, elements]), or 0.</summary>
    public nint Transfer { get; } = transfer;

    /// <summary>Whether this column is persistent training state (parameters, gradients, optimizer state).</summary>
    public bool IsState => Snapshot != 0;
}
