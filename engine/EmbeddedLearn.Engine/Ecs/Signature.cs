namespace EmbeddedLearn.Ecs;

/// <summary>
/// A set of component types, sorted by id, with a bit mask for fast set tests. An archetype is keyed by its
/// signature. Immutable; compares by value.
/// </summary>
public sealed class Signature : IEquatable<Signature>
{
    private readonly ComponentType[] _types;
    private readonly ulong[] _bits;
    private readonly int _hash;

    /// <summary>Creates the signature of the given component types (duplicates are ignored).</summary>
    public Signature(params ReadOnlySpan<ComponentType> types)
    {
        var list = new List<ComponentType>(types.Length);
        foreach (ComponentType type in types)
        {
            ArgumentNullException.ThrowIfNull(type);
            if (!list.Contains(type))
            {
                list.Add(type);
            }
        }

        list.Sort(static (a, b) => a.Id.CompareTo(b.Id));
        _types = [.. list];
        int maxId = _types.Length == 0 ? 0 : _types[^1].Id;
        _bits = new ulong[(maxId >> 6) + 1];
        var hash = new HashCode();
        foreach (ComponentType type in _types)
        {
            _bits[type.Id >> 6] |= 1UL << (type.Id & 63);
            hash.Add(type.Id);
        }

        _hash = hash.ToHashCode();
    }

    /// <summary>The empty signature.</summary>
    public static Signature Empty { get; } = new();

    /// <summary>The component types, sorted by id.</summary>
    public ReadOnlySpan<ComponentType> Types => _types;

    /// <summary>Number of component types.</summary>
    public int Count => _types.Length;

    /// <summary>Whether <paramref name="type"/> is in the set.</summary>
    public bool Contains(ComponentType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        int word = type.Id >> 6;
        return word < _bits.Length && (_bits[word] & (1UL << (type.Id & 63))) != 0;
    }

    /// <summary>Whether every type of <paramref name="other"/> is in this set.</summary>
    public bool ContainsAll(Signature other)
    {
        ArgumentNullException.ThrowIfNull(other);
        ulong[] theirs = other._bits;
        for (int i = 0; i < theirs.Length; i++)
        {
            ulong mine = i < _bits.Length ? _bits[i] : 0;
            if ((theirs[i] & ~mine) != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether at least one type of <paramref name="other"/> is in this set.</summary>
    public bool ContainsAny(Signature other)
    {
        ArgumentNullException.ThrowIfNull(other);
        int n = Math.Min(_bits.Length, other._bits.Length);
        for (int i = 0; i < n; i++)
        {
            if ((_bits[i] & other._bits[i]) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>This set plus <paramref name="type"/>.</summary>
    public Signature With(ComponentType type) => new([.. _types, type]);

    /// <summary>This set minus <paramref name="type"/>.</summary>
    public Signature Without(ComponentType type) => new(_types.Where(t => t != type).ToArray());

    /// <inheritdoc/>
    public bool Equals(Signature? other)
    {
        if (other is null || other._hash != _hash || other._types.Length != _types.Length)
        {
            return false;
        }

        for (int i = 0; i < _types.Length; i++)
        {
            if (_types[i] != other._types[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Signature);

    /// <inheritdoc/>
    public override int GetHashCode() => _hash;

    /// <inheritdoc/>
    public override string ToString() => "{" + string.Join(", ", _types.Select(t => t.ToString())) + "}";
}
