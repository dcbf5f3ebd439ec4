namespace EmbeddedLearn.Ecs;

/// <summary>Queries: chunk iteration, struct-callback queries and parallel chunk queries. None allocates.</summary>
public sealed partial class World
{
    private ChunkRange[] _ranges = new ChunkRange[64];

    /// <summary>The chunks of every archetype matching <paramref name="description"/>, for
    /// <c>foreach (Chunk chunk in world.Query(description))</c>. Structural changes are refused until the loop ends.</summary>
    public QueryChunks Query(QueryDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new QueryChunks(this, description);
    }

    /// <summary>Number of live entities matching <paramref name="description"/>.</summary>
    public int CountEntities(QueryDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        int count = 0;
        foreach (Archetype archetype in _archetypes)
        {
            if (description.Matches(archetype))
            {
                count += archetype.EntityCount;
            }
        }

        return count;
    }

    /// <summary>Calls <paramref name="callback"/> once per matching entity with a reference to its
    /// <typeparamref name="T0"/> (Arch's <c>InlineQuery</c>).</summary>
    public void InlineQuery<TForEach, T0>(QueryDescription description, ref TForEach callback)
        where TForEach : struct, IForEach<T0>
        where T0 : unmanaged
    {
        foreach (Chunk chunk in Query(description))
        {
            Span<T0> c0 = chunk.GetSpan<T0>();
            for (int i = 0; i < c0.Length; i++)
            {
                callback.Update(ref c0[i]);
            }
        }
    }

    /// <summary>Calls <paramref name="callback"/> once per matching entity with references to its
    /// <typeparamref name="T0"/> and <typeparamref name="T1"/>.</summary>
    public void InlineQuery<TForEach, T0, T1>(QueryDescription description, ref TForEach callback)
        where TForEach : struct, IForEach<T0, T1>
        where T0 : unmanaged
        where T1 : unmanaged
    {
        foreach (Chunk chunk in Query(description))
        {
            Span<T0> c0 = chunk.GetSpan<T0>();
            Span<T1> c1 = chunk.GetSpan<T1>();
            for (int i = 0; i < c0.Length; i++)
            {
                callback.Update(ref c0[i], ref c1[i]);
            }
        }
    }

    /// <summary>Calls <paramref name="callback"/> once per matching entity with its handle and a reference to
    /// its <typeparamref name="T0"/>.</summary>
    public void InlineEntityQuery<TForEach, T0>(QueryDescription description, ref TForEach callback)
        where TForEach : struct, IForEachWithEntity<T0>
        where T0 : unmanaged
    {
        foreach (Chunk chunk in Query(description))
        {
            ReadOnlySpan<Entity> entities = chunk.Entities;
            Span<T0> c0 = chunk.GetSpan<T0>();
            for (int i = 0; i < c0.Length; i++)
            {
                callback.Update(entities[i], ref c0[i]);
            }
        }
    }

    /// <summary>Calls <paramref name="job"/> once per non-empty matching chunk, on this thread.</summary>
    public void InlineChunkQuery<TJob>(QueryDescription description, ref TJob job)
        where TJob : struct, IChunkJob
    {
        foreach (Chunk chunk in Query(description))
        {
            job.Execute(new ChunkRange(chunk, 0, chunk.Count));
        }
    }

    /// <summary>
    /// Runs a copy of <paramref name="job"/> over every matching chunk on all threads of <paramref name="pool"/>
    /// (<see cref="WorkerPool.Shared"/> when null). Chunks are split into row ranges so that there are at least
    /// four pieces per thread. Needs no external job scheduler and allocates nothing once warm.
    /// </summary>
    public void ParallelChunkQuery<TJob>(QueryDescription description, in TJob job, WorkerPool? pool = null)
        where TJob : struct, IChunkJob
    {
        ArgumentNullException.ThrowIfNull(description);
        ObjectDisposedException.ThrowIf(_disposed, this);
        pool ??= WorkerPool.Shared;
        Interlocked.Increment(ref _queryDepth);
        try
        {
            int count = SplitRanges(description, pool.ThreadCount * 4);
            ChunkJobBatch<TJob> batch = ChunkJobBatch<TJob>.Instance;
            lock (batch)
            {
                batch.Job = job;
                batch.Ranges = _ranges;
                try
                {
                    pool.Run(batch, count);
                }
                finally
                {
                    batch.Ranges = [];
                    batch.Job = default;
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _queryDepth);
        }
    }

    /// <summary>Fills <see cref="_ranges"/> with row ranges of the matching chunks; returns how many.</summary>
    private int SplitRanges(QueryDescription description, int targetPieces)
    {
        int total = CountEntities(description);
        int rowsPerPiece = Math.Max(1, (total + targetPieces - 1) / targetPieces);
        int count = 0;
        foreach (Archetype archetype in _archetypes)
        {
            if (archetype.EntityCount == 0 || !description.Matches(archetype))
            {
                continue;
            }

            count = ChunkRanges.Append(archetype, rowsPerPiece, ref _ranges, count);
        }

        return count;
    }

    internal void EnterQuery()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Interlocked.Increment(ref _queryDepth);
    }

    internal void ExitQuery() => Interlocked.Decrement(ref _queryDepth);

    private sealed class ChunkJobBatch<TJob> : WorkBatch
        where TJob : struct, IChunkJob
    {
        public static readonly ChunkJobBatch<TJob> Instance = new();

        public TJob Job;
        public ChunkRange[] Ranges = [];

        public override void Execute(int index)
        {
            TJob copy = Job;
            copy.Execute(in Ranges[index]);
        }
    }
}
