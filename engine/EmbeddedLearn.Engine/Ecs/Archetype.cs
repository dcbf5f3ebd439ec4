using System.Runtime.CompilerServices;

namespace EmbeddedLearn.Ecs;

/// <summary>
/// All entities with exactly one set of components (<see cref="Signature"/>), stored densely in chunks of
/// <see cref="ChunkCapacity"/> rows: entity <c>i</c> of the archetype lives in chunk <c>i / ChunkCapacity</c>, row
/// <c>i % ChunkCapacity</c>. Every chunk but the last in use is full; removal moves the last entity into the hole.
/// Chunks are kept when they empty, so an archetype that shrank and grows again allocates nothing.
/// </summary>
public sealed unsafe class Archetype
{
    /// <summary>Target bytes per chunk: a block of entities that fits in a core's L2 cache with room to spare.</summary>
    public const int ChunkTargetBytes = 64 * 1024;

    /// <summary>The fewest rows a chunk holds when its rows are wide (up to <see cref="MaxChunkBytes"/>): a model of a
    /// few thousand parameters has rows of ~12 KB, and at five rows per chunk every per-chunk step of a tick (a span
    /// lookup, a small copy, a block of the plan) was paid once per five entities (measured: host work on the OpenCL
    /// path at 65,536 entities went from about 190-250 to about 120 ns per entity per tick with 64 rows).</summary>
    public const int MinChunkRows = 64;

    /// <summary>The most bytes <see cref="MinChunkRows"/> may make a chunk (wider rows get fewer rows, at least one), so
    /// that an archetype of a few very large models does not reserve memory for 64.</summary>
    public const int MaxChunkBytes = 1024 * 1024;

    /// <summary>Rows whose 4-byte elements fill a 64-byte line: a chunk of at least this many rows holds a multiple of it,
    /// so that chunks can lie back to back with every column still line-aligned (<see cref="CanBeContiguous"/>).</summary>
    public const int LineRows = 16;

    private readonly int[] _columnOfId;
    private readonly long[] _writtenIn;
    private long _epoch = 1;
    private readonly List<Chunk> _chunks = [];
    private ColumnArena? _arena;
    private readonly Dictionary<int, Archetype> _addEdges = [];
    private readonly Dictionary<int, Archetype> _removeEdges = [];

    internal Archetype(int index, Signature signature)
    {
        Index = index;
        Signature = signature;
        ReadOnlySpan<ComponentType> types = signature.Types;
        int maxId = types.Length == 0 ? 0 : types[^1].Id;
        _columnOfId = new int[maxId + 1];
        _writtenIn = new long[types.Length];
        Array.Fill(_columnOfId, -1);
        long rowBytes = sizeof(Entity);
        for (int i = 0; i < types.Length; i++)
        {
            _columnOfId[types[i].Id] = i;
            rowBytes += types[i].ByteSize;
        }

        RowBytes = checked((int)rowBytes);
        int capacity = (int)Math.Max(1, Math.Max(ChunkTargetBytes / rowBytes, Math.Min(MinChunkRows, MaxChunkBytes / rowBytes)));
        ChunkCapacity = capacity >= LineRows ? capacity - (capacity % LineRows) : capacity;

        // Chunks back to back keep every column 64-byte aligned only when a chunk's column is a whole number of lines.
        bool aligned = ChunkCapacity * (long)sizeof(Entity) % 64 == 0;
        foreach (ComponentType type in types)
        {
            aligned &= ChunkCapacity * (long)type.ByteSize % 64 == 0;
        }

        CanBeContiguous = aligned;
    }

    /// <summary>Position of this archetype in its world's archetype list.</summary>
    public int Index { get; }

    /// <summary>The component types every entity here has.</summary>
    public Signature Signature { get; }

    /// <summary>Bytes per entity over all columns, the entity handle included.</summary>
    public int RowBytes { get; }

    /// <summary>Rows per chunk: about <see cref="ChunkTargetBytes"/> of rows, at least <see cref="MinChunkRows"/> when rows are
    /// wide (within <see cref="MaxChunkBytes"/>), at least one, and a multiple of <see cref="LineRows"/> when above it.</summary>
    public int ChunkCapacity { get; }

    /// <summary>Live entities.</summary>
    public int EntityCount { get; private set; }

    /// <summary>Chunks holding at least one entity.</summary>
    public int ChunkCount => (EntityCount + ChunkCapacity - 1) / ChunkCapacity;

    /// <summary>Chunks allocated, including empty reserved ones.</summary>
    public int AllocatedChunkCount => _chunks.Count;

    /// <summary>Entities that fit without allocating.</summary>
    public int Capacity => _chunks.Count * ChunkCapacity;

    /// <summary>Chunk <paramref name="index"/>, for <c>index &lt; ChunkCount</c>.</summary>
    public Chunk GetChunk(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)ChunkCount, nameof(index));
        return _chunks[index];
    }

    /// <summary>Whether entities here have <paramref name="type"/>.</summary>
    public bool Has(ComponentType type) => ColumnOf(type) >= 0;

    /// <summary>
    /// A number that changes when write access to component <paramref name="type"/> of this archetype's entities is
    /// handed out after the previous call: the epoch of the last such access, where each call starts a new epoch. Write
    /// access is every writable span of a chunk (<see cref="Chunk.GetSpan{T}()"/> and its overloads,
    /// <see cref="ChunkRange.GetSpan{T}()"/>, queries' references) and every <see cref="World.Get{T}"/>,
    /// <see cref="World.Set{T}(Entity, in T)"/>, <see cref="World.GetSpan{T}"/> or <see cref="World.GetBytes"/>; reads
    /// through <see cref="Chunk.GetReadOnlySpan{T}()"/> or <see cref="World.TryGet{T}"/> are not. While it returns the
    /// same number, nobody could have written the component since, so whoever remembers it may skip comparing the values
    /// (the pipeline does so with <see cref="EmbeddedLearn.Components.TrainingSettings"/>). Call it while no query or
    /// system writes (between ticks, or inside the pipeline's own checks). A span taken before a call and written through
    /// after it is not seen: take spans and references where they are used, as queries do.
    /// </summary>
    /// <exception cref="InvalidOperationException">The archetype lacks the component.</exception>
    public long WriteVersion(ComponentType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        int column = ColumnOf(type);
        if (column < 0)
        {
            throw new InvalidOperationException("Component " + type + " is not in archetype " + Signature + ".");
        }

        long written = _writtenIn[column];
        _epoch++; // a write access from now on records a later epoch
        return written;
    }

    /// <summary>Records a write access to column <paramref name="column"/> in the current epoch. Stores only on the first
    /// access of an epoch: threads writing disjoint chunks at once then only read the shared line.</summary>
    internal void NoteWrite(int column)
    {
        long epoch = _epoch;
        if (_writtenIn[column] != epoch)
        {
            _writtenIn[column] = epoch;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int ColumnOf(ComponentType type)
    {
        int id = type.Id;
        return (uint)id < (uint)_columnOfId.Length ? _columnOfId[id] : -1;
    }

    internal void Reserve(int entities)
    {
        while (Capacity < entities)
        {
            _chunks.Add(new Chunk(this, ChunkCapacity));
        }
    }

    /// <summary>Appends a zeroed row for <paramref name="entity"/>; returns its archetype index.</summary>
    internal int AddRow(Entity entity)
    {
        int index = EntityCount;
        Reserve(index + 1);
        Chunk chunk = _chunks[index / ChunkCapacity];
        int row = index % ChunkCapacity;
        chunk.EntityColumn[row] = entity;
        chunk.Count = row + 1;
        ReadOnlySpan<ComponentType> types = Signature.Types;
        for (int c = 0; c < types.Length; c++)
        {
            int size = types[c].ByteSize;
            new Span<byte>(chunk.ColumnByIndex(c) + ((long)row * size), size).Clear();
        }

        EntityCount = index + 1;
        return index;
    }

    /// <summary>Removes row <paramref name="index"/> by moving the last row into it; returns the entity moved
    /// (or <see cref="Entity.Null"/> when the removed row was the last).</summary>
    internal Entity RemoveRow(int index)
    {
        int last = EntityCount - 1;
        Entity moved = Entity.Null;
        Chunk lastChunk = _chunks[last / ChunkCapacity];
        int lastRow = last % ChunkCapacity;
        if (index != last)
        {
            Chunk chunk = _chunks[index / ChunkCapacity];
            int row = index % ChunkCapacity;
            ReadOnlySpan<ComponentType> types = Signature.Types;
            for (int c = 0; c < types.Length; c++)
            {
                int size = types[c].ByteSize;
                Buffer.MemoryCopy(lastChunk.ColumnByIndex(c) + ((long)lastRow * size), chunk.ColumnByIndex(c) + ((long)row * size), size, size);
            }

            moved = lastChunk.EntityColumn[lastRow];
            chunk.EntityColumn[row] = moved;
        }

        lastChunk.Count = lastRow;
        EntityCount = last;
        return moved;
    }

    /// <summary>Copies the columns both archetypes share from row <paramref name="fromIndex"/> here to row
    /// <paramref name="toIndex"/> of <paramref name="target"/>.</summary>
    internal void CopySharedColumns(int fromIndex, Archetype target, int toIndex)
    {
        Chunk from = _chunks[fromIndex / ChunkCapacity];
        int fromRow = fromIndex % ChunkCapacity;
        Chunk to = target._chunks[toIndex / target.ChunkCapacity];
        int toRow = toIndex % target.ChunkCapacity;
        ReadOnlySpan<ComponentType> types = Signature.Types;
        for (int c = 0; c < types.Length; c++)
        {
            int targetColumn = target.ColumnOf(types[c]);
            if (targetColumn >= 0)
            {
                int size = types[c].ByteSize;
                Buffer.MemoryCopy(from.ColumnByIndex(c) + ((long)fromRow * size), to.ColumnByIndex(targetColumn) + ((long)toRow * size), size, size);
            }
        }
    }

    /// <summary>The address of row <paramref name="index"/>'s <paramref name="type"/>, for writing (counted in
    /// <see cref="WriteVersion"/>).</summary>
    internal byte* Address(int index, ComponentType type, int elementSize) =>
        _chunks[index / ChunkCapacity].ColumnPointer(type, elementSize) + ((long)(index % ChunkCapacity) * type.ByteSize);

    /// <summary>Row <paramref name="index"/>'s struct component <typeparamref name="T"/>, read (not counted as a write).</summary>
    internal T Read<T>(int index)
        where T : unmanaged => _chunks[index / ChunkCapacity].GetReadOnlySpan<T>(ComponentType.Of<T>(), index % ChunkCapacity, 1)[0];

    internal bool TryGetAddEdge(ComponentType type, out Archetype? target) => _addEdges.TryGetValue(type.Id, out target);

    internal void SetAddEdge(ComponentType type, Archetype target) => _addEdges[type.Id] = target;

    internal bool TryGetRemoveEdge(ComponentType type, out Archetype? target) => _removeEdges.TryGetValue(type.Id, out target);

    internal void SetRemoveEdge(ComponentType type, Archetype target) => _removeEdges[type.Id] = target;

    /// <summary>Whether <see cref="MakeContiguous"/> can lay this archetype's columns out back to back: a chunk's column
    /// of every component is a whole number of 64-byte lines (so for components of 4-byte elements whenever a chunk
    /// holds at least <see cref="LineRows"/> rows; not for very wide rows, a chunk of fewer).</summary>
    internal bool CanBeContiguous { get; }

    /// <summary>Whether every chunk in use lives in the archetype's <see cref="ColumnArena"/>: rows <c>[0, EntityCount)</c>
    /// of each component are then one range (<see cref="ContiguousRows"/>).</summary>
    internal bool IsContiguous => _arena is not null && ChunkCount <= _arena.Slots;

    /// <summary>Moves every allocated chunk's columns into one <see cref="ColumnArena"/> (nothing moves when they are there
    /// already), so that each component's rows <c>[0, EntityCount)</c> are contiguous until the archetype needs a chunk
    /// the arena has no room for. Addresses of the old memory become invalid: call it only where no span into the
    /// archetype is held (the OpenCL backend calls it as it builds its buffers, inside a tick). Returns
    /// <see cref="IsContiguous"/> (false when <see cref="CanBeContiguous"/> is not).</summary>
    internal bool MakeContiguous()
    {
        if (!CanBeContiguous || IsContiguous)
        {
            return IsContiguous;
        }

        var arena = new ColumnArena(Signature.Types, ChunkCapacity, _chunks.Count);
        for (int c = 0; c < _chunks.Count; c++)
        {
            _chunks[c].MoveInto(arena, c);
        }

        _arena?.Free();
        _arena = arena;
        return true;
    }

    /// <summary>The address of rows <c>[0, EntityCount)</c> of <paramref name="type"/>, back to back, when
    /// <see cref="IsContiguous"/>; read access (not counted in <see cref="WriteVersion"/>).</summary>
    internal byte* ContiguousRows(ComponentType type)
    {
        int column = ColumnOf(type);
        if (column < 0 || !IsContiguous)
        {
            throw new InvalidOperationException("Component " + type + " of archetype " + Signature + " is not laid out contiguously.");
        }

        return (byte*)_arena!.Column(column, 0);
    }

    internal void Free()
    {
        foreach (Chunk chunk in _chunks)
        {
            chunk.Free();
        }

        _arena?.Free();
        _arena = null;
    }
}
