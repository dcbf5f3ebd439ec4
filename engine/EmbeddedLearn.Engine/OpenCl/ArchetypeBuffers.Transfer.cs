using System.Runtime.InteropServices;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>Moving data between the entity-major host components and the interleaved device buffers. Per tick
/// (samples up, results down) the chunks are gathered into or scattered from pinned staging arrays allocated with
/// the buffers, each component moves with one transfer into or out of an entity-major transfer buffer, and a
/// conversion kernel reorders it on the device: no allocation, and a handful of commands per archetype whatever
/// the chunk count. Whole uploads and read-backs (structural changes, synchronisation) convert on the host.</summary>
internal sealed unsafe partial class ArchetypeBuffers
{
    /// <summary>Uploads every component, the settings and the state from the world (blocking).</summary>
    public void UploadAll()
    {
        Flush();
        int index = 0;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            Chunk chunk = Archetype.GetChunk(c);
            chunk.Entities.CopyTo(Rows.AsSpan(index));
            index += chunk.Count;
        }

        foreach (DeviceColumn column in _columns)
        {
            if (!Archetype.Has(column.Type))
            {
                continue; // device only (an agent's sample and scratch)
            }

            int k = column.Words;
            float[] interleaved = new float[Padded * (long)k];
            index = 0;
            for (int c = 0; c < Archetype.ChunkCount; c++)
            {
                Chunk chunk = Archetype.GetChunk(c);
                InterleavedLayout.Interleave<float>(chunk.Words(column.Type), k, Tile, index, interleaved);
                index += chunk.Count;
            }

            fixed (float* source = interleaved)
            {
                Api.Write(Queue, column.Buffer, 0, Bytes(column.Type), source, blocking: true);
            }
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
            UploadLosses(); // a left-out entity's loss is read back unchanged, so the device starts from the host's
        }

        RingsUploaded();
    }

    /// <summary>Uploads the host's <see cref="Loss"/> values (one float per entity: the layouts coincide; blocking).</summary>
    private void UploadLosses()
    {
        int index = 0;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            Chunk chunk = Archetype.GetChunk(c);
            MemoryMarshal.Cast<Loss, float>(chunk.GetSpan<Loss>()).CopyTo(_lossStaging.Span[index..]);
            index += chunk.Count;
        }

        Api.Write(Queue, Loss, 0, Count * (long)sizeof(float), _lossStaging.Pointer, blocking: true);
    }

    /// <summary>Enqueues this tick's inputs and targets: gathered from the chunks into their pinned staging arrays on
    /// <paramref name="pool"/>'s threads (with every row's flags, see <see cref="GatherOnHost"/>; the samples
    /// <paramref name="plan"/>'s <see cref="BlockPlan.SampleChecks"/> names checked for values that are not finite as they
    /// are copied, and the outcomes reset first when it says so (<see cref="BlockPlan.OutcomesToReset"/>); every row
    /// marked served when <paramref name="everyRowServed"/>, else none until <see cref="MarkServed"/>), then one
    /// non-blocking write each (and a conversion launch on the interleaved layout).</summary>
    public void UploadSamples(WorkerPool pool, BlockPlan plan, bool everyRowServed)
    {
        Flush();
        _sampleChecks = plan.SampleChecks;
        (_outcomesToReset, _firstOfTick) = (plan.OutcomesToReset, plan.SampleChecksFirstOfTick);
        _unservedFlag = everyRowServed ? 0 : DeviceSettingsLayout.FlagDeferred;
        GatherOnHost(pool);
        Send(Column(Spec.Inputs));
        if (Trainable)
        {
            Send(Column(Spec.Targets));
        }

        SendExtensions();
        SendTransitions();
        _outcomesToReset = null;
    }

    /// <summary>Brings this tick's outputs, losses and (when an entity's reduction is none) element losses into chunk
    /// memory: one read each into the staging arrays (after a conversion launch on the interleaved layout), the last one
    /// blocking (every kernel of the tick was enqueued before, so this is the tick's wait), then a scatter into the
    /// chunks on <paramref name="pool"/>'s threads.</summary>
    public void ReadResults(WorkerPool pool)
    {
        Flush();
        DownloadExtensions(); // non-blocking: the wait below covers them
        Download(Column(Spec.Outputs), blocking: !Trainable);
        if (Trainable)
        {
            if (_elementLosses)
            {
                Download(Column(Spec.LossElements), blocking: false);
            }

            // One float per entity: the device and entity-major layouts coincide.
            Api.Read(Queue, Loss, 0, Count * (long)sizeof(float), _lossStaging.Pointer, blocking: true);
        }

        ScatterOnHost(pool);
    }

    /// <summary>Reads the training state (from the snapshot, or the live buffers with the activations and output
    /// gradient too) into entity-major host arrays, blocking; nothing in the world changes.</summary>
    public StagedState Stage(bool fromSnapshot)
    {
        if (fromSnapshot)
        {
            _pending = 0; // the tick is being abandoned: its stages that never went out stay out
        }

        Flush();

        // A snapshot still pending means no launch of this tick changed the state: the live buffers hold it.
        fromSnapshot &= !_snapshotPending;
        var staged = new List<(ComponentType, float[])>();
        foreach (DeviceColumn column in _columns)
        {
            bool wanted = column.IsState || (!fromSnapshot && (column.Type == Spec.Activations || column.Type == Spec.OutputGradient));
            if (!wanted)
            {
                continue;
            }

            int k = column.Words;
            float[] interleaved = new float[Padded * (long)k];
            fixed (float* v = interleaved)
            {
                Api.Read(Queue, fromSnapshot ? column.Snapshot : column.Buffer, 0, Bytes(column.Type), v, blocking: true);
            }

            float[] values = new float[Count * k];
            InterleavedLayout.Deinterleave<float>(interleaved, k, Tile, 0, values);
            staged.Add((column.Type, values));
        }

        long[]? state = null;
        if (Trainable)
        {
            long[] interleaved = new long[Padded * DeviceSettingsLayout.StateCount];
            fixed (long* s = interleaved)
            {
                Api.Read(Queue, fromSnapshot ? StateSnapshot : State, 0, interleaved.Length * (long)sizeof(long), s, blocking: true);
            }

            state = new long[Count * DeviceSettingsLayout.StateCount];
            InterleavedLayout.Deinterleave<long>(interleaved, DeviceSettingsLayout.StateCount, Tile, 0, state);
        }

        return new StagedState(Rows, staged, state);
    }

    private void Send(DeviceColumn column)
    {
        // The staging memory is pinned and not touched again before the tick's wait, so the write may be in flight; with
        // zero-copy transfers it is the buffer's own storage and the write copies nothing.
        // (The component's own rows, when in place, are not written before the tick's wait either: no host code runs
        // between a run's upload and its wait.)
        Api.Write(Queue, EntityMajor ? column.Buffer : column.Transfer, 0, Count * (long)column.Type.ByteSize, (void*)column.HostRows, blocking: false);

        if (!EntityMajor)
        {
            Convert(KernelSource.ToInterleaved, column.Words, column.Transfer, column.Buffer);
        }
    }

    private void Download(DeviceColumn column, bool blocking)
    {
        if (!EntityMajor)
        {
            Convert(KernelSource.ToEntityMajor, column.Words, column.Buffer, column.Transfer);
        }

        Api.Read(Queue, EntityMajor ? column.Buffer : column.Transfer, 0, Count * (long)column.Type.ByteSize, column.Staging.Pointer, blocking);
    }

    private void Convert(string name, int elements, nint source, nint target)
    {
        if (Count == 0)
        {
            return;
        }

        nint kernel = _device.Kernel(name);
        Api.Arg(kernel, 0, Count);
        Api.Arg(kernel, 1, Tile);
        Api.Arg(kernel, 2, elements);
        Api.Arg(kernel, 3, source);
        Api.Arg(kernel, 4, target);
        Enqueue(kernel, DeviceProfiler.LayoutSlot, 1);
    }
}
