using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>The scan of <see cref="TickSchedule"/>: which rows are candidates this tick, from the periods and phases kept
/// by position, read again from the chunks' <see cref="DecisionPeriod"/> columns after a change.</summary>
internal sealed partial class TickSchedule
{
    /// <summary>Lists this tick's candidates in <see cref="_candidates"/>, reading the rows' periods, phases and (after a
    /// structural change: rows move only then) entities again first when they may have changed, checking the periods; a
    /// bad period leaves the schedule as it was (the entities it read are the world's). Returns the candidates and the
    /// trainable candidates.</summary>
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
            _deferredAt = new byte[_entities.Length];
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
    /// <paramref name="moved"/>, their entities; then each row's deferral from its entity's (<see cref="_deferredAt"/>).</summary>
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

        for (int row = 0; row < position; row++)
        {
            _deferredAt[row] = _deferred[_entities[row].Id] ? (byte)1 : (byte)0;
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

    /// <summary>Lists the candidates' positions, ascending, in <see cref="_candidates"/>: the rows due this tick
    /// (<c>tick mod period == phase</c>, from the periods and phases kept by position) or deferred earlier; records where
    /// each archetype's rows end and whether it trains. Returns the candidates and the trainable candidates.</summary>
    private (int Candidates, int Trainable) MarkCandidates(List<(Archetype Archetype, ModelSpec Spec)> models, long tick)
    {
        if (_archetypeEnds.Length < models.Count)
        {
            _archetypeEnds = new int[models.Count];
            _archetypeTrains = new bool[models.Count];
        }

        int position = 0;
        int candidates = 0;
        int trainables = 0;
        for (int m = 0; m < models.Count; m++)
        {
            (Archetype archetype, ModelSpec spec) = models[m];
            int end = position + archetype.EntityCount;
            int first = candidates;
            candidates = ListCandidates(position, end, tick, candidates);
            position = end;
            _archetypeEnds[m] = end;
            _archetypeTrains[m] = spec.Trains(archetype);
            trainables += _archetypeTrains[m] ? candidates - first : 0;
        }

        return (candidates, trainables);
    }

    /// <summary>Appends the candidates among rows <paramref name="position"/>..<paramref name="end"/> to
    /// <see cref="_candidates"/> from index <paramref name="count"/>; returns the new count. Eight rows at a time while
    /// they share one period (their phases compared with the due one in two 128-bit vectors, their deferrals read as
    /// eight bytes), one at a time otherwise.</summary>
    private int ListCandidates(int position, int end, long tick, int count)
    {
        int period = 0;
        int due = 0; // the phase that is due this tick for `period`
        Vector128<int> periods = Vector128<int>.Zero, dues = Vector128<int>.Zero;
        for (; position + 8 <= end; position += 8)
        {
            ReadOnlySpan<int> rowPeriods = _period.AsSpan(position, 8);
            if (Vector128.Create(rowPeriods) != periods || Vector128.Create(rowPeriods[4..]) != periods)
            {
                count = ListOneByOne(position, position + 8, tick, ref period, ref due, count);
                (periods, dues) = (Vector128.Create(period), Vector128.Create(due));
                continue;
            }

            ReadOnlySpan<int> phases = _phase.AsSpan(position, 8);
            ulong deferred = MemoryMarshal.Read<ulong>(_deferredAt.AsSpan(position, 8));
            uint rows = Vector128.Equals(Vector128.Create(phases), dues).ExtractMostSignificantBits()
                | (Vector128.Equals(Vector128.Create(phases[4..]), dues).ExtractMostSignificantBits() << 4)
                | (Vector128.GreaterThan(Vector128.CreateScalar(deferred).AsByte(), Vector128<byte>.Zero).ExtractMostSignificantBits() & 0xFF);
            if (rows == 0xFF)
            {
                // All eight (every row due, as without decision periods): their positions in two stores.
                Vector128<int> at = Vector128.Create(position);
                (at + Vector128.Create(0, 1, 2, 3)).CopyTo(_candidates.AsSpan(count, 4));
                (at + Vector128.Create(4, 5, 6, 7)).CopyTo(_candidates.AsSpan(count + 4, 4));
                count += 8;
                continue;
            }

            for (; rows != 0; rows &= rows - 1)
            {
                _candidates[count++] = position + BitOperations.TrailingZeroCount(rows);
            }
        }

        return ListOneByOne(position, end, tick, ref period, ref due, count);
    }

    /// <summary><see cref="ListCandidates"/> one row at a time (<paramref name="period"/> and its <paramref name="due"/>
    /// phase carried from row to row).</summary>
    private int ListOneByOne(int position, int end, long tick, ref int period, ref int due, int count)
    {
        for (; position < end; position++)
        {
            int rowPeriod = _period[position];
            if (rowPeriod != period)
            {
                (period, due) = (rowPeriod, (int)(tick % rowPeriod));
            }

            _candidates[count] = position; // kept only when counted: the next row overwrites it otherwise
            count += (_phase[position] == due ? 1 : 0) | _deferredAt[position];
        }

        return count;
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
