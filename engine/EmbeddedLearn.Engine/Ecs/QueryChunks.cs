namespace EmbeddedLearn.Ecs;

/// <summary>The chunks a query visits; enumerate it with <c>foreach</c>. While the loop runs the world refuses
/// structural changes. A ref struct, so it never allocates and cannot outlive the loop.</summary>
public readonly ref struct QueryChunks
{
    private readonly World _world;
    private readonly QueryDescription _description;

    internal QueryChunks(World world, QueryDescription description)
    {
        _world = world;
        _description = description;
    }

    /// <summary>Starts the loop (and the world's query lock).</summary>
    public QueryChunkEnumerator GetEnumerator() => new(_world, _description);
}
