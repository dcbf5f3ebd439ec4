using System.Globalization;
using System.Runtime.CompilerServices;

namespace EmbeddedLearn.Ecs;

/// <summary>
/// An archetype ECS shaped like Arch's <c>World</c>: entities with struct components and run-time sized
/// components, stored per archetype in chunked column storage. Structural changes (create, destroy, add,
/// remove) are refused while a query runs; use a <see cref="CommandBuffer"/> to defer them. Every misuse
/// (stale entity, missing component, wrong element size, structural change during a query) throws before
/// anything changes. Structural changes from several threads are serialised, and refused from any thread but the one
/// running a training tick while it runs (see <see cref="BeginChange"/>); queries may run in parallel through
/// <see cref="ParallelChunkQuery{TJob}(QueryDescription, in TJob, WorkerPool?)"/>.
/// </summary>
public sealed partial class World : IDisposable
{
    private readonly Dictionary<Signature, Archetype> _archetypeBySignature = [];
    private readonly List<Archetype> _archetypes = [];
    private EntityRecord[] _records = new EntityRecord[64];
    private int[] _freeIds = new int[64];
    private int _freeCount;
    private int _nextId;
    private int _queryDepth;
    private bool _disposed;

    /// <summary>Creates an empty world.</summary>
    public World()
    {
    }

    /// <summary>Live entities.</summary>
    public int Count { get; private set; }

    /// <summary>Archetypes created so far (an archetype stays when it empties).</summary>
    public IReadOnlyList<Archetype> Archetypes => _archetypes;

    /// <summary>Increments on every structural change; caches keyed on it know when to refresh.</summary>
    public long StructureVersion { get; private set; }

    /// <summary>One more than the highest entity id handed out so far (ids are below it).</summary>
    internal int EntityCapacity => _nextId;

    /// <summary>Whether <see cref="Dispose"/> was called (the world's memory is freed).</summary>
    public bool IsDisposed => _disposed;

    /// <summary>Whether a query is running (structural changes are refused meanwhile).</summary>
    public bool IsQueryRunning => Volatile.Read(ref _queryDepth) > 0;

    /// <summary>Frees all chunk memory. Handles and spans from this world must not be used afterwards.</summary>
    /// <exception cref="InvalidOperationException">A training tick runs on another thread (nothing was freed).</exception>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        WorldLock change;
        try
        {
            change = BeginChange("World.Dispose"); // waits for a snapshot copying from another thread
        }
        catch (ObjectDisposedException)
        {
            return; // another thread disposed it meanwhile
        }

        using WorldLock held = change;
        _disposed = true;
        foreach (Archetype archetype in _archetypes)
        {
            archetype.Free();
        }
    }

    /// <summary>Whether <paramref name="entity"/> refers to a live entity of this world.</summary>
    public bool IsAlive(Entity entity) =>
        (uint)entity.Id < (uint)_nextId && entity.Version > 0 && _records[entity.Id].Version == entity.Version
        && _records[entity.Id].Archetype is not null;

    /// <summary>The archetype <paramref name="entity"/> lives in.</summary>
    public Archetype GetArchetype(Entity entity) => Record(entity).Archetype!;

    /// <summary>The component types of <paramref name="entity"/>.</summary>
    public ReadOnlySpan<ComponentType> GetComponentTypes(Entity entity) => Record(entity).Archetype!.Signature.Types;

    /// <summary>Finds or creates the archetype of <paramref name="signature"/>.</summary>
    public Archetype GetOrCreateArchetype(Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        if (!_archetypeBySignature.TryGetValue(signature, out Archetype? archetype))
        {
            archetype = new Archetype(_archetypes.Count, signature);
            _archetypes.Add(archetype);
            _archetypeBySignature.Add(signature, archetype);
        }

        return archetype;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref EntityRecord Record(Entity entity)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsAlive(entity))
        {
            ThrowNotAlive(entity);
        }

        return ref _records[entity.Id];
    }

    private void ThrowNotAlive(Entity entity)
    {
        string why = (uint)entity.Id < (uint)_nextId && entity.Version > 0
            ? string.Format(CultureInfo.InvariantCulture, "it was destroyed (slot {0} is now at version {1})", entity.Id, _records[entity.Id].Version)
            : "it was never created in this world";
        throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture,
            "{0} is not alive: {1}.", entity, why));
    }

    /// <summary>Holds the gate for structural change <paramref name="operation"/> (<see cref="BeginChange"/>), refused
    /// while a query runs.</summary>
    private WorldLock LockStructure(string operation)
    {
        WorldLock held = BeginChange(operation);
        if (Volatile.Read(ref _queryDepth) > 0)
        {
            held.Dispose();
            throw new InvalidOperationException(
                operation + " is a structural change and a query is running; record it in a CommandBuffer and play it back after the query.");
        }

        return held;
    }

    private static string Describe(Entity entity, ComponentType type) =>
        string.Format(CultureInfo.InvariantCulture, "{0} has no component {1}", entity, type);
}
