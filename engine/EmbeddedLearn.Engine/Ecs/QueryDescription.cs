namespace EmbeddedLearn.Ecs;

/// <summary>
/// Which archetypes a query visits, as in Arch: all of <see cref="All"/>, at least one of <see cref="Any"/>
/// (when non-empty), none of <see cref="None"/>; or, with <see cref="Exclusive"/>, exactly that set.
/// Immutable: every <c>With...</c> returns a new description, so build one once and reuse it every tick.
/// </summary>
public sealed class QueryDescription
{
    /// <summary>A description that matches every archetype.</summary>
    public QueryDescription()
        : this(Signature.Empty, Signature.Empty, Signature.Empty, null)
    {
    }

    private QueryDescription(Signature all, Signature any, Signature none, Signature? exclusive)
    {
        All = all;
        Any = any;
        None = none;
        Exclusive = exclusive;
    }

    /// <summary>Types every matching archetype has.</summary>
    public Signature All { get; }

    /// <summary>Types of which a matching archetype has at least one (ignored when empty).</summary>
    public Signature Any { get; }

    /// <summary>Types no matching archetype has.</summary>
    public Signature None { get; }

    /// <summary>When set, only the archetype with exactly these types matches.</summary>
    public Signature? Exclusive { get; }

    /// <summary>Adds required component types.</summary>
    public QueryDescription WithAll(params ReadOnlySpan<ComponentType> types) =>
        new(new Signature([.. All.Types, .. types]), Any, None, Exclusive);

    /// <summary>Adds component types of which at least one is required.</summary>
    public QueryDescription WithAny(params ReadOnlySpan<ComponentType> types) =>
        new(All, new Signature([.. Any.Types, .. types]), None, Exclusive);

    /// <summary>Adds excluded component types.</summary>
    public QueryDescription WithNone(params ReadOnlySpan<ComponentType> types) =>
        new(All, Any, new Signature([.. None.Types, .. types]), Exclusive);

    /// <summary>Matches only archetypes with exactly these component types.</summary>
    public QueryDescription WithExclusive(params ReadOnlySpan<ComponentType> types) =>
        new(All, Any, None, new Signature(types));

    /// <summary>Requires struct component <typeparamref name="T0"/>.</summary>
    public QueryDescription WithAll<T0>()
        where T0 : unmanaged => WithAll(ComponentType.Of<T0>());

    /// <summary>Requires struct components <typeparamref name="T0"/> and <typeparamref name="T1"/>.</summary>
    public QueryDescription WithAll<T0, T1>()
        where T0 : unmanaged
        where T1 : unmanaged => WithAll(ComponentType.Of<T0>(), ComponentType.Of<T1>());

    /// <summary>Requires struct components <typeparamref name="T0"/>, <typeparamref name="T1"/>, <typeparamref name="T2"/>.</summary>
    public QueryDescription WithAll<T0, T1, T2>()
        where T0 : unmanaged
        where T1 : unmanaged
        where T2 : unmanaged => WithAll(ComponentType.Of<T0>(), ComponentType.Of<T1>(), ComponentType.Of<T2>());

    /// <summary>Requires at least one of <typeparamref name="T0"/> and <typeparamref name="T1"/>.</summary>
    public QueryDescription WithAny<T0, T1>()
        where T0 : unmanaged
        where T1 : unmanaged => WithAny(ComponentType.Of<T0>(), ComponentType.Of<T1>());

    /// <summary>Excludes struct component <typeparamref name="T0"/>.</summary>
    public QueryDescription WithNone<T0>()
        where T0 : unmanaged => WithNone(ComponentType.Of<T0>());

    /// <summary>Whether <paramref name="archetype"/> matches.</summary>
    public bool Matches(Archetype archetype)
    {
        ArgumentNullException.ThrowIfNull(archetype);
        Signature signature = archetype.Signature;
        if (Exclusive is not null)
        {
            return signature.Equals(Exclusive);
        }

        return signature.ContainsAll(All)
            && (Any.Count == 0 || signature.ContainsAny(Any))
            && !signature.ContainsAny(None);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        Exclusive is not null ? "Exclusive " + Exclusive : "All " + All + " Any " + Any + " None " + None;
}
