using System.Runtime.InteropServices;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The tick's host copies, spread over a <see cref="WorkerPool"/> by ranges of chunks: before the launches, this tick's
/// inputs and targets gathered from the chunks into the pinned staging arrays (only read for the admission's check when
/// the archetype is contiguous and the transfer moves the components' own rows, see <see cref="InPlace"/>) and every
/// row's flags set (left out by the host's admission, and not yet served); after the wait, outputs (of the rows
/// inferred), losses and (when an entity's reduction is none) element losses scattered back into the chunks. Row r of
/// the device buffers is entity r of the archetype, so a range of chunks maps to a range of rows without walking the
/// others: every piece is independent of the rest.
/// </summary>
internal sealed partial class ArchetypeBuffers
{
    private HostCopyBatch? _hostCopies;
    private EntityBits? _outcomesToReset;
    private bool _firstOfTick;

    /// <summary>Gathers this tick's samples and flags on <paramref name="pool"/>'s threads.</summary>
    public void GatherOnHost(WorkerPool pool) => RunCopies(pool, scatter: false);

    /// <summary>Scatters this tick's results into the chunks on <paramref name="pool"/>'s threads (after the wait).</summary>
    public void ScatterOnHost(WorkerPool pool) => RunCopies(pool, scatter: true);

    private void RunCopies(WorkerPool pool, bool scatter)
    {
        _hostCopies ??= new HostCopyBatch(this);
        _hostCopies.Scatter = scatter;
        int chunks = Archetype.ChunkCount;
        _hostCopies.Pieces = Math.Min(chunks, pool.ThreadCount * 4);
        pool.Run(_hostCopies, _hostCopies.Pieces);
    }

    private void CopyChunks(bool scatter, int piece, int pieces)
    {
        int chunks = Archetype.ChunkCount;
        int first = (int)((long)chunks * piece / pieces);
        int end = (int)((long)chunks * (piece + 1) / pieces);
        bool trains = Archetype.Has(ComponentType.Of<TrainingState>());
        for (int c = first; c < end; c++)
        {
            Chunk chunk = Archetype.GetChunk(c);
            int row = c * Archetype.ChunkCapacity;
            if (scatter)
            {
                _chunkEvents[c] = ScatterChunk(chunk, row);
            }
            else
            {
                GatherChunk(chunk, row, trains);
            }
        }
    }

    private void GatherChunk(Chunk chunk, int row, bool trains)
    {
        // The admission's scan for values that are not finite (TickAdmission.HasNonFinite) on the copy, while it is in cache.
        bool nonFinite = GatherSamples(chunk, Spec.Inputs, row, (_sampleChecks & ModelData.Inputs) != 0);
        if (Trainable)
        {
            nonFinite |= GatherSamples(chunk, Spec.Targets, row, (_sampleChecks & ModelData.Targets) != 0);
        }
        else if ((_sampleChecks & ModelData.Targets) != 0 && trains && Archetype.Has(Spec.Targets))
        {
            nonFinite |= FiniteCheck.FirstNonFinite(chunk.GetSpan<float>(Spec.Targets)) >= 0; // not sent, still checked
        }

        _chunkNonFinite[row / Archetype.ChunkCapacity] = nonFinite;

        GatherExtensions(chunk, row);

        // Every row starts the tick not served (the plan's blocks clear that; served at once without a schedule) and left
        // out when the host's admission said so (ModelBlock.IsLeftOut's rule: the outcome for entities that train, finite
        // inputs for the others); an entity that sits out (an earlier run of this tick held its outputs, or an agent waits
        // for transitions) stays out of training.
        Span<int> flags = HostFlags.Span.Slice(row, chunk.Count);
        if (trains)
        {
            if (_outcomesToReset is not null)
            {
                TickAdmission.ResetOutcomes(new ModelBlock(Spec, new ChunkRange(chunk, 0, chunk.Count), []), _firstOfTick, _outcomesToReset);
            }

            _chunkSitting[row / Archetype.ChunkCapacity] = FlagsFromStates(chunk.GetSpan<TrainingState>(), flags, _unservedFlag);
        }
        else
        {
            var block = new ModelBlock(Spec, new ChunkRange(chunk, 0, chunk.Count), []);
            for (int r = 0; r < flags.Length; r++)
            {
                flags[r] = (block.IsLeftOut(r) ? (int)TickOutcome.LeftOut : 0) | _unservedFlag;
            }
        }
    }

    /// <summary>Scatters one chunk's results; returns whether any of its rows has an outcome from the device
    /// (<see cref="DeviceOutcomeBits"/>), which <see cref="CollectOutcomes"/> then walks.</summary>
    private bool ScatterChunk(Chunk chunk, int row)
    {
        // Only the rows inferred this tick: the others (left out, not served, outputs held) keep their last outputs.
        int k = Spec.Outputs.ElementCount;
        ReadOnlySpan<float> staging = Column(Spec.Outputs).Staging.Span.Slice(row * k, chunk.Count * k);
        Span<float> outputs = chunk.GetSpan<float>(Spec.Outputs);
        ReadOnlySpan<int> flags = HostFlags.Span.Slice(row, chunk.Count);
        int events = 0;
        for (int r = 0; r < flags.Length;)
        {
            int first = r;
            while (r < flags.Length && Inferred(flags[r]))
            {
                events |= flags[r];
                r++;
            }

            staging[(first * k)..(r * k)].CopyTo(outputs[(first * k)..]);
            if (r < flags.Length)
            {
                events |= flags[r];
            }

            r++; // past the row not inferred (or the end)
        }

        ScatterExtensions(chunk, row);
        if (!Trainable)
        {
            return (events & DeviceOutcomeBits) != 0;
        }

        if (_elementLosses)
        {
            int e = Spec.LossElements.ElementCount;
            Column(Spec.LossElements).Staging.Span.Slice(row * e, chunk.Count * e).CopyTo(chunk.GetSpan<float>(Spec.LossElements));
        }

        _lossStaging.Span.Slice(row, chunk.Count).CopyTo(MemoryMarshal.Cast<Loss, float>(chunk.GetSpan<Loss>()));
        return (events & DeviceOutcomeBits) != 0;
    }

    /// <summary>Every row starts the tick with <paramref name="unserved"/> (not served until the plan's blocks clear it, or
    /// 0 when every row is served) and sits out as its state says; returns how many sit out.</summary>
    private static int FlagsFromStates(ReadOnlySpan<TrainingState> states, Span<int> flags, int unserved)
    {
        int sitting = 0;
        for (int r = 0; r < flags.Length; r++)
        {
            int sitsOut = (int)(states[r].Outcome & TickOutcome.SitsOut);
            flags[r] = sitsOut | unserved;
            sitting += sitsOut != 0 ? 1 : 0;
        }

        return sitting;
    }

    /// <summary>Copies a chunk's rows of sample component <paramref name="type"/> into its staging (or, when the transfer
    /// moves the component's rows in place, only reads them for the check); returns whether <paramref name="check"/> and
    /// a value is not finite.</summary>
    private bool GatherSamples(Chunk chunk, ComponentType type, int row, bool check)
    {
        ReadOnlySpan<float> rows = chunk.GetReadOnlySpan<float>(type, 0, chunk.Count);
        DeviceColumn column = Column(type);
        return column.InPlace
            ? check && FiniteCheck.FirstNonFinite(rows) >= 0
            : CopyRows(rows, column.Staging, row, type.ElementCount, check);
    }

    private static void CopyRows(ReadOnlySpan<float> from, HostStaging<float> staging, int row, int elements) =>
        from.CopyTo(staging.Span[(row * elements)..]);

    /// <summary>Copies the rows (streamed past the cache), and returns whether <paramref name="check"/> and a copied value
    /// is not finite.</summary>
    private static bool CopyRows(ReadOnlySpan<float> from, HostStaging<float> staging, int row, int elements, bool check) =>
        StreamingCopy.Copy(from, staging.Span[(row * elements)..], check);

    /// <summary>Whether the last gather found a sample that is not finite in any chunk.</summary>
    public bool FoundNonFinite() => Array.IndexOf(_chunkNonFinite, true) >= 0;

    /// <summary>Whether the last gather found a sample that is not finite in the chunk of archetype row <paramref name="row"/>.</summary>
    public bool NonFiniteAt(int row) => _chunkNonFinite[row / Archetype.ChunkCapacity];

    /// <summary>Sets again the flags of <paramref name="block"/>'s rows (from archetype row <paramref name="row"/>) from
    /// their states, after the admission marked some of them left out (entities without state: the gather's own check).</summary>
    public void RefreshFlags(in ModelBlock block, int row)
    {
        if (block.Has(ComponentType.Of<TrainingState>()))
        {
            FlagsFromStates(block.States, HostFlags.Span.Slice(row, block.Count), _unservedFlag);
            _chunkSitting[row / Archetype.ChunkCapacity] = CountSitting(block.Range.Chunk.GetSpan<TrainingState>());
        }
    }

    /// <summary>The pieces of one gather or scatter, handed to the pool; reused every tick.</summary>
    private sealed class HostCopyBatch(ArchetypeBuffers owner) : WorkBatch
    {
        public bool Scatter { get; set; }

        public int Pieces { get; set; }

        public override void Execute(int index) => owner.CopyChunks(Scatter, index, Pieces);
    }
}
