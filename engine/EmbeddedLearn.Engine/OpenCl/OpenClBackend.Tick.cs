using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>The tick: begin (validate, resynchronise on structural change, upload samples, snapshot), one launch per
/// stage per archetype, end (read results, wait), and recovery after a fault.</summary>
public sealed partial class OpenClBackend
{
    private bool _tickOpen;
    private bool _kernelsEnqueued;
    private bool _snapshotTaken;

    /// <summary>Whether the host components hold the authoritative state (after a resynchronisation committed the
    /// device state and before the new upload completed).</summary>
    private bool HostAuthoritative => _hostDirty;

    internal void RunStage(OpenClStageKind stage, World world)
    {
        BeginTick(world);
        _kernelsEnqueued = true;
        foreach (ArchetypeBuffers buffers in _archetypes)
        {
            buffers.Launch(stage);
        }
    }

    internal void EndTick(World world)
    {
        BeginTick(world);
        foreach (ArchetypeBuffers buffers in _archetypes)
        {
            buffers.ReadResults();
        }

        _device.Api.Finish(_device.Queue);
        _device.Profiler.CompleteTick();
        _tickOpen = false;
    }

    /// <summary>After an <see cref="OpenClException"/> during a tick: writes into <paramref name="world"/> the state
    /// the device had at the start of that tick (its snapshot, or the live buffers when no kernel ran yet), all
    /// archetypes or none. Returns false, with why in <paramref name="detail"/>, when it could not be read (the world
    /// then keeps the state of the last synchronisation).</summary>
    internal bool RecoverToHost(World world, out string detail)
    {
        bool tickWasOpen = _tickOpen;
        _tickOpen = false;
        if (!ReferenceEquals(world, _world) || HostAuthoritative)
        {
            detail = "the host components already held the latest state";
            return true;
        }

        bool fromSnapshot = tickWasOpen && _kernelsEnqueued && _snapshotTaken;
        try
        {
            _device.Api.Finish(_device.Queue);
            CommitAll(world, fromSnapshot);
            detail = fromSnapshot ? "restored the device state from the start of the failed tick" : "restored the device state (no kernel of the failed tick had run)";
            return true;
        }
        catch (OpenClException ex)
        {
            detail = "the device state could not be read back (" + ex.Message + "); the world keeps the state of the last synchronisation";
            return false;
        }
    }

    private void BeginTick(World world)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_tickOpen)
        {
            return;
        }

        Validate(world);
        if (!ReferenceEquals(world, _world))
        {
            ReleaseBuffers();
            if (_world is not null)
            {
                HostResidency.Unregister(_world, this);
            }

            _world = world;
            _hostDirty = true;
            HostResidency.Register(world, this);
        }

        _hostCurrent = false;

        if (_hostDirty || world.StructureVersion != _uploadedVersion)
        {
            Resynchronise(world);
        }
        else
        {
            foreach (ArchetypeBuffers buffers in _archetypes)
            {
                if (buffers.Trainable)
                {
                    buffers.UploadSettings(force: false);
                }
            }
        }

        _tickOpen = true;
        _kernelsEnqueued = false;
        _snapshotTaken = false;
        foreach (ArchetypeBuffers buffers in _archetypes)
        {
            buffers.UploadSamples();
        }

        foreach (ArchetypeBuffers buffers in _archetypes)
        {
            buffers.Snapshot();
        }

        _snapshotTaken = true;
    }

    private void Resynchronise(World world)
    {
        if (!_hostDirty)
        {
            _device.Api.Finish(_device.Queue);
            CommitAll(world, fromSnapshot: false);
        }

        _hostDirty = true;
        ReleaseBuffers();
        foreach (Archetype archetype in world.Archetypes)
        {
            ModelSpec? spec = archetype.EntityCount > 0 ? ModelSpec.Find(archetype) : null;
            if (spec is null)
            {
                continue;
            }

            var buffers = new ArchetypeBuffers(_device, archetype, spec);
            _archetypes.Add(buffers);
            buffers.UploadAll();
        }

        _uploadedVersion = world.StructureVersion;
        _hostDirty = false;
    }

    private void Validate(World world)
    {
        IReadOnlyList<Archetype> archetypes = world.Archetypes;
        for (int a = 0; a < archetypes.Count; a++) // an index loop: foreach over the interface would box its enumerator
        {
            Archetype archetype = archetypes[a];
            ModelSpec? spec = archetype.EntityCount > 0 ? ModelSpec.Find(archetype) : null;
            if (spec is null)
            {
                continue;
            }

            for (int c = 0; c < archetype.ChunkCount; c++)
            {
                Chunk chunk = archetype.GetChunk(c);
                var block = new ModelBlock(spec, new ChunkRange(chunk, 0, chunk.Count), []);
                TickValidator.Check(block, _checkInputs, _checkTraining);
            }
        }
    }
}
