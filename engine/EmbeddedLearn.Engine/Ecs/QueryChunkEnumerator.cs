namespace EmbeddedLearn.Ecs;

/// <summary>Walks the non-empty chunks of every archetype matching a query. <see cref="Dispose"/> (called by
/// <c>foreach</c>) releases the world's query lock.</summary>
public ref struct QueryChunkEnumerator
{
    private readonly World _world;
    private readonly QueryDescription _description;
    private readonly IReadOnlyList<Archetype> _archetypes;
    private int _archetype;
    private int _chunk;
    private bool _entered;

    internal QueryChunkEnumerator(World world, QueryDescription description)
    {
        _world = world;
        _description = description;
        _archetypes = world.Archetypes;
        _archetype = -1;
        _chunk = -1;
        world.EnterQuery();
        _entered = true;
    }

    /// <summary>The current chunk.</summary>
    public readonly Chunk Current => _archetypes[_archetype].GetChunk(_chunk);

    /// <summary>Advances to the next non-empty matching chunk.</summary>
    public bool MoveNext()
    {
        if (_archetype >= 0 && _chunk + 1 < _archetypes[_archetype].ChunkCount)
        {
            _chunk++;
            return true;
        }

        while (++_archetype < _archetypes.Count)
        {
            Archetype archetype = _archetypes[_archetype];
            if (archetype.EntityCount > 0 && _description.Matches(archetype))
            {
                _chunk = 0;
                return true;
            }
        }

        return false;
    }

    /// <summary>Ends the loop and releases the world's query lock.</summary>
    public void Dispose()
    {
        if (_entered)
        {
            _entered = false;
            _world.ExitQuery();
        }
    }
}
