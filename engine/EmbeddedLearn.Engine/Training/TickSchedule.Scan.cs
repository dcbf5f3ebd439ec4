using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>The scan of <see cref="TickSchedule"/>: which rows are candidates this tick, from the periods and phases kept
/// by position, read again from the chunks' <see cref="DecisionPeriod"/> columns after a change.</summary>
internal sealed partial class TickSchedule
{
    /// <summary>Fills the rows' candidate flags and (after a structural change: rows move only then) their entities,
    /// checking the periods; a bad period leaves the schedule as it was (the entities it read are the world's). Returns
    /// the candidates and the trainable candidates.</summary>
    private (int Candidates, int Trainable) Scan(List<(Archetype Archetype, ModelSpec Spec)> models, int capacity, bool moved, long tick)
    {
        int total = 0;
        foreach ((Archetype archetype, _) in models)
        {
            total += archetype.EntityCount;
        }

        if (_entities.Length < total)
        {
            _entities = new Entity[Math.Max(total, _entities.Length * 2)];
            _flags = new byte[_entities.Length];
            _period = new int[_entities.Length];
            _phase = new int[_entities.Length];
            _served = new int[_entities.Length];
            _candidates = new int[_entities.Length];
            _periodsKnown = false;
        }

        if (_periodVersions.Length < models.Count)
        {
            _periodVersions = new long[Math.Max(models.Count, _periodVersions.Length * 2)];
            _periodsKnown = false;
        }

        if (_deferred.Length < capacity)
        {
            Array.Resize(ref _deferred, Math.Max(capacity, _deferred.Length * 2));
            Array.Resize(ref _owed, _deferred.Length);
        }

        if (!PeriodsUnchanged(models, moved))
        {
            ReadPeriods(models, moved);
        }

        _total = total;
        _periodsKnown = true;
        return MarkCandidates(models, tick);
    }

    /// <summary>Reads every row's period and phase from the chunks' <see cref="DecisionPeriod"/> columns (1 and 0 without
    /// the component) into <see cref="_period"/> and <see cref="_phase"/>, checking them, and, when rows
    /// <paramref name="moved"/>, their entities.</summary>
    /// <exception cref="ModelDataException">A period below 1 or a phase outside it.</exception>
    private void ReadPeriods(List<(Archetype Archetype, ModelSpec Spec)> models, bool moved)
    {
        int position = 0;
        foreach ((Archetype archetype, _) in models)
        {
            bool hasPeriod = archetype.Has(ComponentType.Of<DecisionPeriod>());
            int chunks = archetype.ChunkCount;
            for (int c = 0; c < chunks; c++)
            {
                if (c + PrefetchAhead < chunks)
                {
                    Prefetch(archetype.GetChunk(c + PrefetchAhead), moved, hasPeriod);
                }

                Chunk chunk = archetype.GetChunk(c);
                if (moved)
                {
                    chunk.Entities.CopyTo(_entities.AsSpan(position));
                }

                if (!hasPeriod)
                {
                    _period.AsSpan(position, chunk.Count).Fill(1);
                    _phase.AsSpan(position, chunk.Count).Clear();
                    position += chunk.Count;
                    continue;
                }

                ReadOnlySpan<DecisionPeriod> periods = chunk.GetReadOnlySpan<DecisionPeriod>();
                for (int row = 0; row < chunk.Count; row++, position++)
                {
                    DecisionPeriod decision = periods[row];
                    if (decision.Period < 1 || (uint)decision.Phase >= (uint)decision.Period)
                    {
                        Check(_entities[position], decision);
                    }

                    (_period[position], _phase[position]) = (decision.Period, decision.Phase);
                }
            }
        }
    }

    /// <summary>Whether the rows' periods and phases from the last scan still hold: no row moved, and no model
    /// archetype's <see cref="DecisionPeriod"/> column was handed out for writing since. Records the columns' versions
    /// for the next tick either way (<see cref="ReadPeriods"/> reads the values after this).</summary>
    private bool PeriodsUnchanged(List<(Archetype Archetype, ModelSpec Spec)> models, bool moved)
    {
        bool unchanged = _periodsKnown && !moved;
        for (int m = 0; m < models.Count; m++)
        {
            Archetype archetype = models[m].Archetype;
            long version = archetype.Has(ComponentType.Of<DecisionPeriod>()) ? archetype.WriteVersion(ComponentType.Of<DecisionPeriod>()) : 0;
            unchanged &= version == _periodVersions[m];
            _periodVersions[m] = version;
        }

        _periodsKnown = false; // until a scan completes
        return unchanged;
    }

    /// <summary>Each row's candidate flag from its period and phase kept by position: due this tick
    /// (<c>tick mod period == phase</c>) or deferred earlier; the candidates' positions go to <see cref="_candidates"/>,
    /// ascending. Returns the candidates and the trainable candidates.</summary>
    private (int Candidates, int Trainable) MarkCandidates(List<(Archetype Archetype, ModelSpec Spec)> models, long tick)
    {
        int position = 0;
        int period = 0;
        int due = 0; // the phase that is due this tick for `period`: tick mod period, recomputed when the period changes
        int candidates = 0;
        int trainables = 0;
        foreach ((Archetype archetype, ModelSpec spec) in models)
        {
            int trainable = spec.Trains(archetype) ? 1 : 0;
            int end = position + archetype.EntityCount;
            for (; position < end; position++)
            {
                int rowPeriod = _period[position];
                if (rowPeriod != period)
                {
                    (period, due) = (rowPeriod, (int)(tick % rowPeriod));
                }

                // No branch on the row's data: a candidate is due or was deferred; its position is listed, kept only
                // when counted (the next row overwrites it otherwise).
                int candidate = (_phase[position] == due ? 1 : 0) | (_deferred[_entities[position].Id] ? 1 : 0);
                _flags[position] = (byte)((candidate * Candidate) | (trainable * Trainable));
                _candidates[candidates] = position;
                candidates += candidate;
                trainables += candidate & trainable;
            }
        }

        return (candidates, trainables);
    }

    /// <summary>Asks for the first lines of <paramref name="chunk"/>'s entity and period columns ahead of use: every
    /// chunk is its own allocation (a large model's holds a few rows), so walking them waits on memory once per chunk
    /// unless the loads overlap.</summary>
    private static unsafe void Prefetch(Chunk chunk, bool entities, bool hasPeriod)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        if (entities)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref MemoryMarshal.GetReference(chunk.Entities)));
        }

        if (hasPeriod)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref MemoryMarshal.GetReference(chunk.GetReadOnlySpan<DecisionPeriod>())));
        }
    }

    private static void Check(Entity entity, DecisionPeriod decision)
    {
        if (decision.Period < 1 || decision.Phase < 0 || decision.Phase >= decision.Period)
        {
            throw new ModelDataException(entity, nameof(DecisionPeriod), "Entity " + entity + ": DecisionPeriod needs Period >= 1 "
                + "(1 = decide every tick) and 0 <= Phase < Period; got Period " + decision.Period + ", Phase " + decision.Phase
                + ". Nothing changed.");
        }
    }
}
