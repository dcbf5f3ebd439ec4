using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>The tick's per-entity outcome bits: which entities the host left out go up, what the guard did comes down.</summary>
internal sealed unsafe partial class ArchetypeBuffers
{
    /// <summary>The outcome bits the device sets (what the host's admission found, <see cref="TickOutcome.LeftOut"/>, and
    /// the host's own flags excluded).</summary>
    private const int DeviceOutcomeBits = 0xFF & ~(DeviceSettingsLayout.FlagResting | DeviceSettingsLayout.FlagDeferred | (int)TickOutcome.LeftOut);
    /// <summary>Marks rows <c>[firstRow, firstRow + rows)</c> as served this tick, and, unless
    /// <paramref name="trains"/>, as outside its training window.</summary>
    public void MarkServed(int firstRow, int rows, bool trains)
    {
        foreach (ref int flag in HostFlags.Span.Slice(firstRow, rows))
        {
            flag = (flag & ~DeviceSettingsLayout.FlagDeferred) | (trains ? 0 : DeviceSettingsLayout.FlagResting);
        }
    }

    /// <summary>Sends <see cref="HostFlags"/> to the device, non-blocking (from pinned memory).</summary>
    public void WriteFlags()
    {
        Flush();
        Api.Write(Queue, Flags, 0, Count * (long)sizeof(int), HostFlags.Pointer, blocking: false);
    }

    /// <summary>Enqueues the read of the outcome bits into <see cref="HostFlags"/> (pinned), non-blocking.</summary>
    public void ReadFlags()
    {
        Flush();
        Api.Read(Queue, Flags, 0, Count * (long)sizeof(int), HostFlags.Pointer, blocking: false);
    }

    /// <summary>After a run's wait: adds what the device found (the guard's skipped, clipped and to-be-quarantined
    /// entities, the steps it rejected, the outputs forward held, the agents waiting for transitions) to each entity's <see cref="TrainingState.Outcome"/>
    /// (where it has one) and records what is new in <paramref name="account"/> (what the host's admission found is
    /// already there).</summary>
    public void CollectOutcomes(TickAccount account)
    {
        bool hasStates = Archetype.Has(ComponentType.Of<TrainingState>());
        ReadOnlySpan<int> flags = HostFlags.Span;
        for (int c = 0; c < Archetype.ChunkCount; c++)
        {
            if (!_chunkEvents[c])
            {
                continue; // the scatter found no row with an outcome from the device here (and the chunk is not touched)
            }

            Chunk chunk = Archetype.GetChunk(c);
            int index = c * Archetype.ChunkCapacity;
            Span<TrainingState> states = hasStates ? chunk.GetSpan<TrainingState>() : default;
            ReadOnlySpan<Entity> entities = chunk.Entities;
            for (int r = 0; r < entities.Length; r++)
            {
                var outcome = (TickOutcome)(flags[index + r] & DeviceOutcomeBits);
                if (!Trainable)
                {
                    outcome &= ~TickOutcome.Waiting; // no step to wait for: a brain that only infers (quarantined) does not wait
                }

                if (hasStates)
                {
                    outcome &= ~states[r].Outcome; // found by an earlier run of this tick: already recorded
                    states[r].Outcome |= outcome;
                }

                if (outcome != TickOutcome.None)
                {
                    Record(account, outcome, entities[r]);
                }
            }

            if (hasStates)
            {
                _chunkSitting[c] = CountSitting(states);
            }
        }
    }

    /// <summary>Entities of this archetype, when it trains, whose <see cref="TrainingState.Outcome"/> says they sat the
    /// tick out (<see cref="TickOutcome.SitsOut"/>), as of <see cref="CollectOutcomes"/>: what the pipeline's count finds,
    /// from per-chunk counts kept by the gather and every later change of an outcome on the host.</summary>
    public int SittingOut()
    {
        if (!Trainable)
        {
            return 0;
        }

        int count = 0;
        foreach (int chunkCount in _chunkSitting)
        {
            count += chunkCount;
        }

        return count;
    }

    private static int CountSitting(ReadOnlySpan<TrainingState> states)
    {
        int count = 0;
        foreach (ref readonly TrainingState state in states)
        {
            count += (state.Outcome & TickOutcome.SitsOut) != 0 ? 1 : 0;
        }

        return count;
    }

    /// <summary>Whether the row with <paramref name="flags"/> was inferred this tick: served, not left out, and its
    /// outputs finite (not <see cref="TickOutcome.OutputsHeld"/>). Only those rows' outputs come back to the host.</summary>
    private static bool Inferred(int flags) =>
        (flags & (DeviceSettingsLayout.InferenceExclude | (int)TickOutcome.OutputsHeld)) == 0;

    private static void Record(TickAccount account, TickOutcome outcome, Entity entity)
    {
        if ((outcome & TickOutcome.StepSkipped) != 0)
        {
            account.StepSkipped.Add(entity);
        }

        if ((outcome & TickOutcome.Clipped) != 0)
        {
            account.Clipped.Add(entity);
        }

        if ((outcome & TickOutcome.Quarantined) != 0)
        {
            account.Quarantined.Add(entity);
        }

        if ((outcome & TickOutcome.OutputsHeld) != 0)
        {
            account.OutputsHeld.Add(entity);
        }

        if ((outcome & TickOutcome.Waiting) != 0)
        {
            account.Waiting.Add(entity); // an agent's ReplaySample body: too few transitions yet
        }
    }
}
