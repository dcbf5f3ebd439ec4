using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>A list of entities that block stages on several threads append to during a tick without allocating
/// (capacity is reserved between ticks, when the entity count grows). The order of a parallel tick's entries is not
/// deterministic; sort them if it matters.</summary>
internal sealed class EntityList
{
    private Entity[] _items = new Entity[64];
    private int _count;

    /// <summary>The entities appended since the last <see cref="Clear"/>.</summary>
    public ReadOnlySpan<Entity> Items => _items.AsSpan(0, Math.Min(_count, _items.Length));

    /// <summary>Makes room for <paramref name="capacity"/> entities (allocates only when it grows).</summary>
    public void Reserve(int capacity)
    {
        if (_items.Length < capacity)
        {
            Array.Resize(ref _items, Math.Max(capacity, _items.Length * 2));
        }
    }

    /// <summary>Empties the list.</summary>
    public void Clear() => _count = 0;

    /// <summary>Appends <paramref name="entity"/>; thread-safe. Beyond the reserved capacity the entry is dropped
    /// (the count in <see cref="Items"/> stays capped), which <see cref="Reserve"/> before the tick prevents.</summary>
    public void Add(Entity entity)
    {
        int index = Interlocked.Increment(ref _count) - 1;
        if (index < _items.Length)
        {
            _items[index] = entity;
        }
    }
}
