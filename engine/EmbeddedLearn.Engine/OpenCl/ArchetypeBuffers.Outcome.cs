using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>The tick's per-entity outcome bits: which entities the host left out go up, what the guard did comes down.</summary>
internal sealed unsafe partial class ArchetypeBuffers
{
    /// <summary>Marks rows <c>[firstRow, firstRow + rows)</c> as served this tick, and, unless
    /// <paramref name="trains"/>, as outside its training window.</summary>
    public void MarkServed(int firstRow, int rows, bool trains)
    {
        foreach (ref int flag in HostFlags.AsSpan(firstRow, rows))
        {
            flag = (flag & ~DeviceSettingsLayout.FlagDeferred) | (trains ? 0 : DeviceSettingsLayout.FlagResting);
        }
    }

    /// <summary>Sends <see cref="HostFlags"/> to the device, non-blocking (from pinned memory).</summary>
    public void WriteFlags()
    {
        Flush();
        fixed (int* flags = HostFlags)
        {
            Api.Write(Queue, Flags, 0, Count * (long)sizeof(int), flags, blocking: false);
        }
    }

    /// <summary>Enqueues the read of the outcome bits into <see cref="HostFlags"/> (pinned), non-blocking.</summary>
    public void ReadFlags()
    {
        Flush();
        fixed (int* flags = HostFlags)
        {
            Api.Read(Queue, Flags, 0, Count * (long)sizeof(int), flags, blocking: false);
        }
    }

    /// <summary>After the tick's wait: writes each trainable entity's outcome into its <see cref="TrainingState"/> and
    /// records the guard's skipped, clipped and to-be-quarantined entities in <paramref name="account"/>.</summary>
    public void CollectOutcomes(TickAccount account)
    {
        if (!Trainable)
        {
            return;
        }

        int index = 0;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            Chunk chunk = Archetype.GetChunk(c);
            Span<TrainingState> states = chunk.GetSpan<TrainingState>();
            ReadOnlySpan<Entity> entities = chunk.Entities;
            for (int r = 0; r < states.Length; r++)
            {
                var outcome = (TickOutcome)(HostFlags[index + r] & 0xFF & ~(DeviceSettingsLayout.FlagResting | DeviceSettingsLayout.FlagDeferred));
                states[r].Outcome = outcome;
                if ((outcome & TickOutcome.StepSkipped) != 0)
                {
                    account.StepSkipped.Add(entities[r]);
                }

                if ((outcome & TickOutcome.Clipped) != 0)
                {
                    account.Clipped.Add(entities[r]);
                }

                if ((outcome & TickOutcome.Quarantined) != 0)
                {
                    account.Quarantined.Add(entities[r]);
                }
            }

            index += chunk.Count;
        }
    }
}
