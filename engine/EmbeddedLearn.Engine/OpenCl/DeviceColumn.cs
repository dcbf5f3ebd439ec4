using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>One component (a run-time sized float array, or a struct moved as 32-bit words) of an archetype on the device: the buffer (interleaved, element k of
/// row e at <c>k * stride + e</c>, see <see cref="InterleavedLayout"/>), for state the tick-start snapshot copy, and
/// for per-tick samples and results an entity-major transfer buffer that host memory is copied to or from and that
/// a conversion kernel turns into the interleaved layout or back, with its pinned host staging array.</summary>
internal sealed class DeviceColumn(ComponentType type, nint buffer, nint snapshot, nint transfer)
{
    /// <summary>Pinned host copy of <see cref="Transfer"/> ([count, elements], entity-major), allocated once: the chunks
    /// are gathered into it so that a tick moves each per-tick component with one transfer, not one per chunk. With
    /// zero-copy transfers (a CPU device) it is the storage of <see cref="Transfer"/> (or, on the entity-major layout, of
    /// <see cref="Buffer"/>) itself.</summary>
    public HostStaging<float> Staging { get; init; } = HostStaging<float>.Empty;

    /// <summary>Whether the column's transfer moves the archetype's own rows (contiguous, see
    /// <see cref="Archetype.MakeContiguous"/>) instead of a gathered copy in <see cref="Staging"/>.</summary>
    public bool InPlace { get; init; }

    /// <summary>The host memory a per-tick transfer moves: the component's rows when <see cref="InPlace"/>, else
    /// <see cref="Staging"/>'s.</summary>
    public nint HostRows { get; init; }

    /// <summary>For a stage's own component (an agent's, a shared model's): the argument device bodies take it as; null for
    /// the model's own components, which the executor moves itself.</summary>
    public DeviceArgument? Argument { get; init; }

    /// <summary>For a stage's own component: how it moves each tick.</summary>
    public DeviceColumnFlow Flow { get; init; }

    /// <summary>For <see cref="DeviceColumnFlow.UpWhenChanged"/>: the words last sent (entity-major), empty until the first
    /// send.</summary>
    public float[] Sent { get; set; } = [];

    public ComponentType Type { get; } = type;

    /// <summary>32-bit words per entity: the floats of a float array, the words of a struct (moved as bits).</summary>
    public int Words { get; } = type.ByteSize / sizeof(float);

    /// <summary>For state: whether the fused kernel takes this column's snapshot itself (the model's own state), or the
    /// snapshot is a device-side copy (state a game's or an agent's stage keeps, such as target parameters).</summary>
    public bool CarriedByFusedKernel { get; init; } = true;

    public nint Buffer { get; private set; } = buffer;

    /// <summary>The copy taken at the start of each tick (0 for per-tick data, which is not snapshotted).</summary>
    public nint Snapshot { get; private set; } = snapshot;

    /// <summary>The entity-major staging buffer of a per-tick column ([count, elements]), or 0.</summary>
    public nint Transfer { get; } = transfer;

    /// <summary>Exchanges the live and snapshot buffers (state columns only).</summary>
    public void Swap() => (Buffer, Snapshot) = (Snapshot, Buffer);

    /// <summary>Whether this column is persistent training state (parameters, gradients, optimizer state).</summary>
    public bool IsState => Snapshot != 0;
}
