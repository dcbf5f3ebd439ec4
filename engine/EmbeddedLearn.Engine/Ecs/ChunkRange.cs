namespace EmbeddedLearn.Ecs;

/// <summary>
/// Rows <c>[Start, Start + Length)</c> of one chunk: the unit a query hands to a chunk job. A serial query
/// hands whole chunks; a parallel query splits large chunks into several ranges so every core has work.
/// </summary>
public readonly struct ChunkRange
{
    /// <summary>Creates a range of <paramref name="chunk"/>'s rows.</summary>
    public ChunkRange(Chunk chunk, int start, int length)
    {
        Chunk = chunk;
        Start = start;
        Length = length;
    }

    /// <summary>The chunk.</summary>
    public Chunk Chunk { get; }

    /// <summary>First row.</summary>
    public int Start { get; }

    /// <summary>Number of rows.</summary>
    public int Length { get; }

    /// <summary>The archetype of the chunk.</summary>
    public Archetype Archetype => Chunk.Archetype;

    /// <summary>The entity handles of the rows.</summary>
    public ReadOnlySpan<Entity> Entities => Chunk.Entities.Slice(Start, Length);

    /// <summary>The rows of struct component <typeparamref name="T"/>.</summary>
    public Span<T> GetSpan<T>()
        where T : unmanaged => Chunk.GetSpan<T>(ComponentType.Of<T>(), Start, Length);

    /// <summary>The rows of <paramref name="type"/>: <c>Length * type.ElementCount</c> elements, row after row.</summary>
    public Span<T> GetSpan<T>(ComponentType type)
        where T : unmanaged => Chunk.GetSpan<T>(type, Start, Length);

    /// <summary>The rows of struct component <typeparamref name="T"/>, read only (not counted as a write; see
    /// <see cref="Archetype.WriteVersion"/>).</summary>
    public ReadOnlySpan<T> GetReadOnlySpan<T>()
        where T : unmanaged => Chunk.GetReadOnlySpan<T>(ComponentType.Of<T>(), Start, Length);

    /// <summary>The rows of <paramref name="type"/>, read only: <c>Length * type.ElementCount</c> elements, row after row
    /// (not counted as a write).</summary>
    public ReadOnlySpan<T> GetReadOnlySpan<T>(ComponentType type)
        where T : unmanaged => Chunk.GetReadOnlySpan<T>(type, Start, Length);
}
