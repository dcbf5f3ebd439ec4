using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The device copy of one model archetype: a buffer per run-time sized component (entity-major, archetype row
/// order), packed settings (<c>sf</c>, <c>si</c>: see <see cref="DeviceSettingsLayout"/>), training state
/// (3 longs per entity), the loss, backward scratch, the layer widths, and snapshots of the training state taken at
/// the start of every tick.
/// </summary>
internal sealed unsafe partial class ArchetypeBuffers : IDisposable
{
    private readonly OpenClDevice _device;
    private readonly List<nint> _owned = [];
    private readonly List<DeviceColumn> _columns = [];
    private TrainingSettings[] _uploadedSettings = [];

    public ArchetypeBuffers(OpenClDevice device, Archetype archetype, ModelSpec spec)
    {
        _device = device;
        Archetype = archetype;
        Spec = spec;
        Count = archetype.EntityCount;
        Trainable = spec.Trains(archetype);
        HasMomentum = archetype.Has(spec.Momentum);
        HasAdam = archetype.Has(spec.AdamMoments);
        Rows = new Entity[Count];
        Add(spec.Parameters, true);
        Add(spec.Inputs, false);
        Add(spec.Outputs, false);
        Add(spec.Activations, false);
        if (Trainable)
        {
            Add(spec.Gradients, true);
            Add(spec.Targets, false);
            Add(spec.OutputGradient, false);
            Add(spec.LossElements, false);
            if (HasMomentum)
            {
                Add(spec.Momentum, true);
            }

            if (HasAdam)
            {
                Add(spec.AdamMoments, true);
            }

            SettingsF = Allocate(Count * (long)DeviceSettingsLayout.FloatCount * sizeof(float));
            SettingsI = Allocate(Count * (long)DeviceSettingsLayout.IntCount * sizeof(int));
            State = Allocate(Count * (long)DeviceSettingsLayout.StateCount * sizeof(long));
            StateSnapshot = Allocate(Count * (long)DeviceSettingsLayout.StateCount * sizeof(long));
            Loss = Allocate(Count * (long)sizeof(float));
            Scratch = Allocate(Count * 2L * spec.Batch * spec.Layout.MaxWidth * sizeof(float));
        }

        Widths = Allocate(spec.Layout.Widths.Length * sizeof(int));
        Flags = Allocate(Math.Max(1, Count) * (long)sizeof(int));
        HostFlags = GC.AllocateArray<int>(Math.Max(1, Count), pinned: true);
    }

    public Archetype Archetype { get; }

    public ModelSpec Spec { get; }

    /// <summary>Entities at the last upload; the device buffers hold exactly these rows.</summary>
    public int Count { get; }

    /// <summary>The entity of each device row, as of the last upload.</summary>
    public Entity[] Rows { get; }

    public bool Trainable { get; }

    public bool HasMomentum { get; }

    public bool HasAdam { get; }

    public nint SettingsF { get; }

    public nint SettingsI { get; }

    public nint State { get; }

    public nint StateSnapshot { get; }

    public nint Loss { get; }

    public nint Scratch { get; }

    public nint Widths { get; }

    /// <summary>The tick's outcome bits per entity (<see cref="TickOutcome"/>): up before the tick (left out), down after
    /// it (skipped, clipped, to quarantine).</summary>
    public nint Flags { get; }

    /// <summary>The host copy of <see cref="Flags"/> (pinned: transfers run while the host goes on).</summary>
    public int[] HostFlags { get; }

    private OpenClApi Api => _device.Api;

    private nint Queue => _device.Queue;

    /// <summary>The device buffer of <paramref name="type"/>.</summary>
    public nint Buffer(ComponentType type)
    {
        // A loop, not LINQ: this runs several times per stage per tick and must not allocate.
        foreach (DeviceColumn column in _columns)
        {
            if (column.Type == type)
            {
                return column.Buffer;
            }
        }

        throw new InvalidOperationException("No device buffer for component " + type + ".");
    }

    /// <summary>Uploads every component, the settings and the state from the world (blocking).</summary>
    public void UploadAll()
    {
        int index = 0;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            Chunk chunk = Archetype.GetChunk(c);
            chunk.Entities.CopyTo(Rows.AsSpan(index));
            foreach (DeviceColumn column in _columns)
            {
                WriteChunk(column.Buffer, chunk, column.Type, index, blocking: true);
            }

            index += chunk.Count;
        }

        int[] widths = Spec.Layout.Widths.ToArray();
        fixed (int* w = widths)
        {
            Api.Write(Queue, Widths, 0, widths.Length * sizeof(int), w, blocking: true);
        }

        if (Trainable)
        {
            UploadSettings(force: true);
            UploadState();
            UploadLosses(); // a left-out entity's loss is read back unchanged, so the device must start from the host's
        }
    }

    /// <summary>Uploads the host's <see cref="Components.Loss"/> values (blocking).</summary>
    private void UploadLosses()
    {
        int index = 0;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            Chunk chunk = Archetype.GetChunk(c);
            fixed (Components.Loss* loss = chunk.GetSpan<Components.Loss>())
            {
                Api.Write(Queue, Loss, index * (long)sizeof(float), chunk.Count * (long)sizeof(float), loss, blocking: true);
            }

            index += chunk.Count;
        }
    }

    /// <summary>Uploads this tick's inputs and targets (non-blocking, straight from chunk memory).</summary>
    public void UploadSamples()
    {
        int index = 0;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            Chunk chunk = Archetype.GetChunk(c);
            WriteChunk(Buffer(Spec.Inputs), chunk, Spec.Inputs, index, blocking: false);
            if (Trainable)
            {
                WriteChunk(Buffer(Spec.Targets), chunk, Spec.Targets, index, blocking: false);
            }

            index += chunk.Count;
        }
    }

    /// <summary>Copies the training state to the snapshot buffers (device-side).</summary>
    public void Snapshot()
    {
        foreach (DeviceColumn column in _columns)
        {
            if (column.IsState)
            {
                Api.Copy(Queue, column.Buffer, column.Snapshot, Bytes(column.Type));
            }
        }

        if (Trainable)
        {
            Api.Copy(Queue, State, StateSnapshot, Count * (long)DeviceSettingsLayout.StateCount * sizeof(long));
        }
    }

    /// <summary>Enqueues reads of this tick's outputs, losses and element losses into chunk memory.</summary>
    public void ReadResults()
    {
        int index = 0;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            Chunk chunk = Archetype.GetChunk(c);
            ReadChunk(Buffer(Spec.Outputs), chunk, Spec.Outputs, index);
            if (Trainable)
            {
                ReadChunk(Buffer(Spec.LossElements), chunk, Spec.LossElements, index);
                fixed (Loss* loss = chunk.GetSpan<Loss>())
                {
                    Api.Read(Queue, Loss, index * (long)sizeof(float), chunk.Count * (long)sizeof(float), loss, blocking: false);
                }
            }

            index += chunk.Count;
        }
    }

    /// <summary>Reads the training state (from the snapshot, or the live buffers with the activations and output
    /// gradient too) into host arrays, blocking; nothing in the world changes.</summary>
    public StagedState Stage(bool fromSnapshot)
    {
        var staged = new List<(ComponentType, float[])>();
        foreach (DeviceColumn column in _columns)
        {
            bool wanted = column.IsState || (!fromSnapshot && (column.Type == Spec.Activations || column.Type == Spec.OutputGradient));
            if (!wanted)
            {
                continue;
            }

            float[] values = new float[Count * column.Type.ElementCount];
            fixed (float* v = values)
            {
                Api.Read(Queue, fromSnapshot ? column.Snapshot : column.Buffer, 0, Bytes(column.Type), v, blocking: true);
            }

            staged.Add((column.Type, values));
        }

        long[]? state = null;
        if (Trainable)
        {
            state = new long[Count * DeviceSettingsLayout.StateCount];
            fixed (long* s = state)
            {
                Api.Read(Queue, fromSnapshot ? StateSnapshot : State, 0, state.Length * (long)sizeof(long), s, blocking: true);
            }
        }

        return new StagedState(Rows, staged, state);
    }

    /// <summary>Releases every buffer.</summary>
    public void Dispose()
    {
        foreach (nint buffer in _owned)
        {
            Api.Cl.ReleaseMemObject(buffer);
        }

        _owned.Clear();
    }

    private long Bytes(ComponentType type) => Count * (long)type.ByteSize;

    private void Add(ComponentType type, bool state) =>
        _columns.Add(new DeviceColumn(type, Allocate(Bytes(type)), state ? Allocate(Bytes(type)) : 0));

    private nint Allocate(long bytes)
    {
        nint buffer = Api.CreateBuffer(_device.Context, bytes);
        _owned.Add(buffer);
        return buffer;
    }

    private void WriteChunk(nint buffer, Chunk chunk, ComponentType type, int firstRow, bool blocking)
    {
        fixed (float* source = chunk.GetSpan<float>(type))
        {
            Api.Write(Queue, buffer, firstRow * (long)type.ByteSize, chunk.Count * (long)type.ByteSize, source, blocking);
        }
    }

    private void ReadChunk(nint buffer, Chunk chunk, ComponentType type, int firstRow)
    {
        fixed (float* target = chunk.GetSpan<float>(type))
        {
            Api.Read(Queue, buffer, firstRow * (long)type.ByteSize, chunk.Count * (long)type.ByteSize, target, blocking: false);
        }
    }
}
