using System.Runtime.InteropServices;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.SharedModels;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The device columns of stages' own components (a Q-learning agent's, a shared model brain's), each named by the
/// <see cref="DeviceArgument"/> device bodies take it as (<see cref="DeviceColumn.Argument"/>) and moved as its
/// <see cref="DeviceColumnFlow"/> says: gathered from the chunks with the samples and sent before the tick (every tick,
/// or only when its bits changed), read back after the tick and scattered into the chunks, or resident. Struct
/// components move as 32-bit words, bit for bit (<see cref="DeviceStructLayout"/>). A shared model brain's: the members'
/// samples up every tick, the slots up when the members changed (the device fills each tick's batch rows in), the
/// members' outputs and <see cref="SharedModelState"/> down after every tick (the device keeps them; a game that writes
/// them itself calls <see cref="OpenClBackend.UploadFromHost"/>).
/// </summary>
internal sealed unsafe partial class ArchetypeBuffers
{
    /// <summary>The shared-model spec of this archetype's entities, or null when they are no shared brains.</summary>
    public SharedModelSpec? Shared { get; }

    private void AddSharedColumns()
    {
        if (Shared is not SharedModelSpec shared)
        {
            return;
        }

        AddExtension(DeviceArgument.MemberSamples, shared.MemberSamples, DeviceColumnFlow.Up);
        AddExtension(DeviceArgument.MemberSlots, shared.Slots, DeviceColumnFlow.UpWhenChanged);
        AddExtension(DeviceArgument.MemberOutputs, shared.MemberOutputs, DeviceColumnFlow.Down);
        AddExtension(DeviceArgument.SharedModelState, ComponentType.Of<SharedModelState>(), DeviceColumnFlow.Down);
        if (!Trainable && Archetype.Has(Spec.Targets))
        {
            // A brain that only infers (quarantined) still has its batch packed for Forward, as on the CPU; the targets
            // packed with it stay on the device, unused.
            Add(Spec.Targets, state: false, perTick: false);
        }
    }

    /// <summary>The buffer of the stage component bodies take as <paramref name="argument"/>, or 0 when this archetype has
    /// none.</summary>
    private nint ExtensionBuffer(DeviceArgument argument)
    {
        foreach (DeviceColumn column in _columns)
        {
            if (column.Argument == argument)
            {
                return column.Buffer;
            }
        }

        return 0;
    }

    /// <summary>Copies a chunk's stage components that go up this tick into their staging arrays.</summary>
    private void GatherExtensions(Chunk chunk, int row)
    {
        foreach (DeviceColumn column in _columns)
        {
            if (column.Flow is DeviceColumnFlow.Up or DeviceColumnFlow.UpWhenChanged or DeviceColumnFlow.UpAndDown)
            {
                CopyRows(chunk.Words(column.Type), column.Staging, row, column.Words);
            }
        }
    }

    /// <summary>Copies the stage components that came down into a chunk.</summary>
    private void ScatterExtensions(Chunk chunk, int row)
    {
        foreach (DeviceColumn column in _columns)
        {
            if (column.Flow is DeviceColumnFlow.Down or DeviceColumnFlow.UpAndDown)
            {
                column.Staging.Span.Slice(row * column.Words, chunk.Count * column.Words).CopyTo(chunk.Words(column.Type));
            }
        }
    }

    /// <summary>Enqueues the stage components' uploads (after <see cref="GatherOnHost"/>): those sent every tick, and those
    /// sent when changed whose gathered bits differ from what was sent last.</summary>
    private void SendExtensions()
    {
        foreach (DeviceColumn column in _columns)
        {
            if (column.Flow is DeviceColumnFlow.Up or DeviceColumnFlow.UpAndDown)
            {
                Send(column);
            }
            else if (column.Flow == DeviceColumnFlow.UpWhenChanged)
            {
                ReadOnlySpan<float> current = column.Staging.Span[..(Count * column.Words)];

                // Compared as bits (the words of a struct or an int array, not float values): a change always goes up.
                if (!MemoryMarshal.Cast<float, int>(current).SequenceEqual(MemoryMarshal.Cast<float, int>(column.Sent.AsSpan())))
                {
                    column.Sent = column.Sent.Length == current.Length ? column.Sent : new float[current.Length];
                    current.CopyTo(column.Sent);
                    Send(column);
                }
            }
        }
    }

    /// <summary>Enqueues the reads of the stage components that come down (non-blocking; the tick's wait covers them).</summary>
    private void DownloadExtensions()
    {
        foreach (DeviceColumn column in _columns)
        {
            if (column.Flow is DeviceColumnFlow.Down or DeviceColumnFlow.UpAndDown)
            {
                Download(column, blocking: false);
            }
        }
    }
}
