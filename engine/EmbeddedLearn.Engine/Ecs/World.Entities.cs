namespace EmbeddedLearn.Ecs;

/// <summary>Creating, reserving and destroying entities.</summary>
public sealed partial class World
{
    /// <summary>Creates an entity with the given components, zero-initialised.</summary>
    /// <exception cref="InvalidOperationException">A query is running, or a training tick runs on another thread.</exception>
    public Entity Create(params ReadOnlySpan<ComponentType> types) => Create(new Signature(types));

    /// <summary>Creates an entity with the components of <paramref name="signature"/>, zero-initialised.</summary>
    /// <exception cref="InvalidOperationException">A query is running, or a training tick runs on another thread.</exception>
    public Entity Create(Signature signature)
    {
        using WorldLock change = LockStructure("World.Create");
        Archetype archetype = GetOrCreateArchetype(signature);
        return CreateIn(archetype);
    }

    /// <summary>Creates an entity with struct component <typeparamref name="T0"/> set to <paramref name="c0"/>.</summary>
    public Entity Create<T0>(in T0 c0)
        where T0 : unmanaged
    {
        Entity entity = Create(ComponentType.Of<T0>());
        Get<T0>(entity) = c0;
        return entity;
    }

    /// <summary>Creates an entity with two struct components set to the given values.</summary>
    public Entity Create<T0, T1>(in T0 c0, in T1 c1)
        where T0 : unmanaged
        where T1 : unmanaged
    {
        Entity entity = Create(ComponentType.Of<T0>(), ComponentType.Of<T1>());
        Get<T0>(entity) = c0;
        Get<T1>(entity) = c1;
        return entity;
    }

    /// <summary>Creates <c>created.Length</c> entities with the components of <paramref name="signature"/>,
    /// zero-initialised, reserving storage for all of them first, and writes their handles.</summary>
    /// <exception cref="InvalidOperationException">A query is running, or a training tick runs on another thread.</exception>
    public void Create(Signature signature, Span<Entity> created)
    {
        using WorldLock change = LockStructure("World.Create");
        Archetype archetype = GetOrCreateArchetype(signature);
        archetype.Reserve(archetype.EntityCount + created.Length);
        ReserveRecords(Count + created.Length);
        for (int i = 0; i < created.Length; i++)
        {
            created[i] = CreateIn(archetype);
        }
    }

    /// <summary>Creates <paramref name="count"/> entities with the components of <paramref name="signature"/>.</summary>
    public Entity[] Create(Signature signature, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var created = new Entity[count];
        Create(signature, created);
        return created;
    }

    /// <summary>Reserves storage so that <paramref name="entities"/> entities with the components of
    /// <paramref name="signature"/> can exist without allocating: growth never causes a frame spike.</summary>
    public void Reserve(Signature signature, int entities)
    {
        using WorldLock change = LockStructure("World.Reserve");
        ArgumentOutOfRangeException.ThrowIfNegative(entities);
        Archetype archetype = GetOrCreateArchetype(signature);
        archetype.Reserve(entities);
        ReserveRecords(Count - archetype.EntityCount + entities);
    }

    /// <summary>Destroys <paramref name="entity"/>; its handle (and every copy) becomes stale.</summary>
    /// <exception cref="InvalidOperationException">The entity is not alive, or a query is running, or a training tick runs on another thread.</exception>
    public void Destroy(Entity entity)
    {
        using WorldLock change = LockStructure("World.Destroy");
        ref EntityRecord record = ref Record(entity);
        Archetype archetype = record.Archetype!;
        RemoveFrom(archetype, record.Index);
        record.Archetype = null;
        record.Version++;
        if (record.Version <= 0)
        {
            record.Version = 1;
        }

        if (_freeCount == _freeIds.Length)
        {
            Array.Resize(ref _freeIds, _freeIds.Length * 2);
        }

        _freeIds[_freeCount++] = entity.Id;
        Count--;
        StructureVersion++;
    }

    private Entity CreateIn(Archetype archetype)
    {
        int id;
        if (_freeCount > 0)
        {
            id = _freeIds[--_freeCount];
        }
        else
        {
            ReserveRecords(_nextId + 1);
            id = _nextId++;
            _records[id].Version = 1;
        }

        ref EntityRecord record = ref _records[id];
        var entity = new Entity(id, record.Version);
        record.Archetype = archetype;
        record.Index = archetype.AddRow(entity);
        Count++;
        StructureVersion++;
        return entity;
    }

    private void ReserveRecords(int slots)
    {
        if (slots > _records.Length)
        {
            Array.Resize(ref _records, Math.Max(slots, _records.Length * 2));
        }

        if (slots > _freeIds.Length)
        {
            Array.Resize(ref _freeIds, Math.Max(slots, _freeIds.Length * 2));
        }
    }

    /// <summary>Removes archetype row <paramref name="index"/>, fixing the record of the entity moved into it.</summary>
    private void RemoveFrom(Archetype archetype, int index)
    {
        Entity moved = archetype.RemoveRow(index);
        if (moved != Entity.Null)
        {
            _records[moved.Id].Index = index;
        }
    }
}
