using System.Globalization;
using System.Runtime.CompilerServices;

namespace EmbeddedLearn.Ecs;

/// <summary>Reading, writing, adding and removing components of one entity.</summary>
public sealed unsafe partial class World
{
    /// <summary>A reference to <paramref name="entity"/>'s struct component <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">The entity is not alive or lacks the component.</exception>
    public ref T Get<T>(Entity entity)
        where T : unmanaged => ref Unsafe.AsRef<T>(Address(entity, ComponentType.Of<T>(), sizeof(T)));

    /// <summary>The elements of <paramref name="entity"/>'s component <paramref name="type"/> as
    /// <typeparamref name="T"/> (<c>type.ElementCount</c> of them).</summary>
    /// <exception cref="InvalidOperationException">The entity is not alive, lacks the component, or
    /// <c>sizeof(T)</c> differs from the component's element size.</exception>
    public Span<T> GetSpan<T>(Entity entity, ComponentType type)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(type);
        return new Span<T>(Address(entity, type, sizeof(T)), type.ElementCount);
    }

    /// <summary>Sets <paramref name="entity"/>'s struct component <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">The entity is not alive or lacks the component.</exception>
    public void Set<T>(Entity entity, in T value)
        where T : unmanaged => Get<T>(entity) = value;

    /// <summary>Copies <paramref name="values"/> into <paramref name="entity"/>'s component <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">The length differs from <c>type.ElementCount</c>.</exception>
    /// <exception cref="InvalidOperationException">The entity is not alive, lacks the component, or the element size differs.</exception>
    public void Set<T>(Entity entity, ComponentType type, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        Span<T> target = GetSpan<T>(entity, type);
        ThrowIfLengthDiffers(entity, type, values.Length);
        values.CopyTo(target);
    }

    /// <summary>Whether <paramref name="entity"/> has struct component <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">The entity is not alive.</exception>
    public bool Has<T>(Entity entity)
        where T : unmanaged => Has(entity, ComponentType.Of<T>());

    /// <summary>Whether <paramref name="entity"/> has component <paramref name="type"/>.</summary>
    /// <exception cref="InvalidOperationException">The entity is not alive.</exception>
    public bool Has(Entity entity, ComponentType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Record(entity).Archetype!.Has(type);
    }

    /// <summary>Reads struct component <typeparamref name="T"/> if the entity is alive and has it (a read: not counted in
    /// <see cref="Archetype.WriteVersion"/>, unlike <see cref="Get{T}"/>, which hands out a writable reference).</summary>
    public bool TryGet<T>(Entity entity, out T value)
        where T : unmanaged
    {
        ComponentType type = ComponentType.Of<T>();
        if (!_disposed && IsAlive(entity) && _records[entity.Id].Archetype!.Has(type))
        {
            ref EntityRecord record = ref _records[entity.Id];
            value = record.Archetype!.Read<T>(record.Index);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Adds struct component <typeparamref name="T"/> with <paramref name="value"/>; the entity moves to
    /// the archetype with one more component.</summary>
    /// <exception cref="InvalidOperationException">The entity is not alive, already has the component, or a query is running, or a training tick runs on another thread.</exception>
    public void Add<T>(Entity entity, in T value = default)
        where T : unmanaged
    {
        Add(entity, ComponentType.Of<T>());
        Get<T>(entity) = value;
    }

    /// <summary>Adds component <paramref name="type"/>, zero-initialised.</summary>
    /// <exception cref="InvalidOperationException">The entity is not alive, already has the component, or a query is running, or a training tick runs on another thread.</exception>
    public void Add(Entity entity, ComponentType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        using WorldLock change = LockStructure("World.Add");
        ref EntityRecord record = ref Record(entity);
        Archetype source = record.Archetype!;
        if (source.Has(type))
        {
            throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture,
                "{0} already has component {1}.", entity, type));
        }

        if (!source.TryGetAddEdge(type, out Archetype? target))
        {
            target = GetOrCreateArchetype(source.Signature.With(type));
            source.SetAddEdge(type, target);
        }

        Move(entity, ref record, target!);
    }

    /// <summary>Adds component <paramref name="type"/> holding a copy of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">The length differs from <c>type.ElementCount</c> (nothing changes).</exception>
    public void Add<T>(Entity entity, ComponentType type, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(type);
        ThrowIfElementSizeDiffers<T>(type);
        ThrowIfLengthDiffers(entity, type, values.Length);
        Add(entity, type);
        values.CopyTo(GetSpan<T>(entity, type));
    }

    /// <summary>Removes struct component <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">The entity is not alive, lacks the component, or a query is running, or a training tick runs on another thread.</exception>
    public void Remove<T>(Entity entity)
        where T : unmanaged => Remove(entity, ComponentType.Of<T>());

    /// <summary>Removes component <paramref name="type"/>; the entity moves to the archetype without it.</summary>
    /// <exception cref="InvalidOperationException">The entity is not alive, lacks the component, or a query is running, or a training tick runs on another thread.</exception>
    public void Remove(Entity entity, ComponentType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        using WorldLock change = LockStructure("World.Remove");
        ref EntityRecord record = ref Record(entity);
        Archetype source = record.Archetype!;
        if (!source.Has(type))
        {
            throw new InvalidOperationException(Describe(entity, type) + "; cannot remove it.");
        }

        if (!source.TryGetRemoveEdge(type, out Archetype? target))
        {
            target = GetOrCreateArchetype(source.Signature.Without(type));
            source.SetRemoveEdge(type, target);
        }

        Move(entity, ref record, target!);
    }

    /// <summary>The raw bytes of <paramref name="entity"/>'s component <paramref name="type"/>.</summary>
    /// <exception cref="InvalidOperationException">The entity is not alive or lacks the component.</exception>
    public Span<byte> GetBytes(Entity entity, ComponentType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new Span<byte>(Address(entity, type, type.ElementSize), type.ByteSize);
    }

    private void Move(Entity entity, ref EntityRecord record, Archetype target)
    {
        Archetype source = record.Archetype!;
        int newIndex = target.AddRow(entity);
        source.CopySharedColumns(record.Index, target, newIndex);
        RemoveFrom(source, record.Index);
        record.Archetype = target;
        record.Index = newIndex;
        StructureVersion++;
    }

    private byte* Address(Entity entity, ComponentType type, int elementSize)
    {
        ref EntityRecord record = ref Record(entity);
        if (!record.Archetype!.Has(type))
        {
            throw new InvalidOperationException(Describe(entity, type) + ".");
        }

        return record.Archetype.Address(record.Index, type, elementSize);
    }

    private static void ThrowIfElementSizeDiffers<T>(ComponentType type)
        where T : unmanaged
    {
        if (sizeof(T) != type.ElementSize)
        {
            throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture,
                "Component {0} has elements of {1} bytes; {2} ({3} bytes) was given.", type, type.ElementSize, typeof(T).Name, sizeof(T)));
        }
    }

    private static void ThrowIfLengthDiffers(Entity entity, ComponentType type, int length)
    {
        if (length != type.ElementCount)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "{0}: component {1} holds {2} elements; {3} were given.", entity, type, type.ElementCount, length));
        }
    }
}
