using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EmbeddedLearn.Ecs;

/// <summary>
/// A fixed-capacity block of one archetype's entities in column storage: for each component one contiguous,
/// 64-byte aligned column of <see cref="Capacity"/> rows, plus the column of entity handles. Rows
/// <c>[0, Count)</c> are live. Memory is native and owned by the world; it is freed when the world is disposed. A chunk
/// starts with a block of its own; <see cref="Archetype.MakeContiguous"/> may move its columns into the archetype's
/// <see cref="ColumnArena"/>, where each column of every chunk follows the previous chunk's.
/// </summary>
public sealed unsafe class Chunk
{
    private const int Alignment = 64;

    /// <summary>The address of each column (the archetype's column order).</summary>
    private readonly nint[] _columns;

    /// <summary>The chunk's own block, or null once its columns live in the archetype's arena.</summary>
    private byte* _block;
    private byte* _entities;
    private bool _freed;

    internal Chunk(Archetype archetype, int capacity)
    {
        Archetype = archetype;
        Capacity = capacity;
        ReadOnlySpan<ComponentType> types = archetype.Signature.Types;
        var offsets = new long[types.Length];
        long offset = Align((long)capacity * sizeof(Entity));
        for (int i = 0; i < types.Length; i++)
        {
            offsets[i] = offset;
            offset = Align(offset + ((long)types[i].ByteSize * capacity));
        }

        SizeInBytes = checked((int)Math.Max(offset, Alignment));
        _block = (byte*)NativeMemory.AlignedAlloc((nuint)SizeInBytes, Alignment);
        NativeMemory.Clear(_block, (nuint)SizeInBytes);
        _entities = _block;
        _columns = new nint[types.Length];
        for (int i = 0; i < types.Length; i++)
        {
            _columns[i] = (nint)(_block + offsets[i]);
        }
    }

    /// <summary>The archetype this chunk belongs to.</summary>
    public Archetype Archetype { get; }

    /// <summary>Rows this chunk can hold.</summary>
    public int Capacity { get; }

    /// <summary>Live rows, <c>[0, Count)</c>.</summary>
    public int Count { get; internal set; }

    /// <summary>Bytes of native memory this chunk holds.</summary>
    public int SizeInBytes { get; }

    /// <summary>The entity handles of the live rows.</summary>
    public ReadOnlySpan<Entity> Entities => new(EnsureMemory(), Count);

    /// <summary>The live rows of struct component <typeparamref name="T"/>: <c>Count</c> elements.</summary>
    /// <exception cref="InvalidOperationException">The archetype lacks <typeparamref name="T"/>.</exception>
    public Span<T> GetSpan<T>()
        where T : unmanaged => GetSpan<T>(ComponentType.Of<T>(), 0, Count);

    /// <summary>The live rows of <paramref name="type"/> read as <typeparamref name="T"/>:
    /// <c>Count * type.ElementCount</c> elements, row after row.</summary>
    /// <exception cref="InvalidOperationException">The archetype lacks the component, or
    /// <c>sizeof(T)</c> differs from the component's element size.</exception>
    public Span<T> GetSpan<T>(ComponentType type)
        where T : unmanaged => GetSpan<T>(type, 0, Count);

    /// <summary>Rows <c>[start, start + length)</c> of <paramref name="type"/> read as <typeparamref name="T"/>:
    /// <c>length * type.ElementCount</c> elements.</summary>
    /// <exception cref="InvalidOperationException">The archetype lacks the component, or the element size differs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The rows are outside <c>[0, Count)</c>.</exception>
    public Span<T> GetSpan<T>(ComponentType type, int start, int length)
        where T : unmanaged
    {
        ThrowIfOutside(start, length);
        byte* column = ColumnPointer(type, Unsafe.SizeOf<T>());
        return new Span<T>(column + ((long)start * type.ByteSize), length * type.ElementCount);
    }

    /// <summary>The live rows of struct component <typeparamref name="T"/>, read only: <c>Count</c> elements. Unlike
    /// <see cref="GetSpan{T}()"/>, taking it does not count as a write (see <see cref="Archetype.WriteVersion"/>).</summary>
    /// <exception cref="InvalidOperationException">The archetype lacks <typeparamref name="T"/>.</exception>
    public ReadOnlySpan<T> GetReadOnlySpan<T>()
        where T : unmanaged => GetReadOnlySpan<T>(ComponentType.Of<T>(), 0, Count);

    /// <summary>Rows <c>[start, start + length)</c> of <paramref name="type"/> read as <typeparamref name="T"/>, read
    /// only: <c>length * type.ElementCount</c> elements; taking it does not count as a write.</summary>
    /// <exception cref="InvalidOperationException">The archetype lacks the component, or the element size differs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The rows are outside <c>[0, Count)</c>.</exception>
    public ReadOnlySpan<T> GetReadOnlySpan<T>(ComponentType type, int start, int length)
        where T : unmanaged
    {
        ThrowIfOutside(start, length);
        EnsureMemory();
        var column = (byte*)_columns[ColumnOf(type, Unsafe.SizeOf<T>())];
        return new ReadOnlySpan<T>(column + ((long)start * type.ByteSize), length * type.ElementCount);
    }

    /// <summary>The live rows of <paramref name="type"/> (a float array or a struct of whole 32-bit words) as 32-bit
    /// words, row after row, for copies that move bits, never values (the device transfers).</summary>
    internal Span<float> Words(ComponentType type) =>
        new(ColumnPointer(type, type.ElementSize), Count * type.ByteSize / sizeof(float));

    /// <summary>Whether the chunk's archetype has <paramref name="type"/>.</summary>
    public bool Has(ComponentType type) => Archetype.ColumnOf(type) >= 0;

    /// <summary>The address of <paramref name="type"/>'s column, for writing: counted in the archetype's
    /// <see cref="Archetype.WriteVersion"/>.</summary>
    internal byte* ColumnPointer(ComponentType type, int elementSize)
    {
        int column = ColumnOf(type, elementSize);
        Archetype.NoteWrite(column);
        EnsureMemory();
        return (byte*)_columns[column];
    }

    private int ColumnOf(ComponentType type, int elementSize)
    {
        ArgumentNullException.ThrowIfNull(type);
        int column = Archetype.ColumnOf(type);
        if (column < 0)
        {
            throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture,
                "Component {0} is not in archetype {1}.", type, Archetype.Signature));
        }

        if (elementSize != type.ElementSize)
        {
            throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture,
                "Component {0} has elements of {1} bytes; a span of {2}-byte elements was requested.",
                type, type.ElementSize, elementSize));
        }

        return column;
    }

    private void ThrowIfOutside(int start, int length)
    {
        if ((uint)start > (uint)Count || (uint)length > (uint)(Count - start))
        {
            throw new ArgumentOutOfRangeException(nameof(start), string.Format(CultureInfo.InvariantCulture,
                "Rows [{0}, {1}) are outside the chunk's {2} live rows.", start, start + length, Count));
        }
    }

    internal byte* ColumnByIndex(int column) => (byte*)_columns[column];

    /// <summary>Bytes every component of rows <c>[start, start + length)</c> takes (the entity column aside).</summary>
    internal long RowBytes(int length)
    {
        long bytes = 0;
        foreach (ComponentType type in Archetype.Signature.Types)
        {
            bytes += (long)type.ByteSize * length;
        }

        return bytes;
    }

    /// <summary>Copies every component of rows <c>[start, start + length)</c> into <paramref name="backup"/>
    /// (<see cref="RowBytes"/> long) when <paramref name="save"/>, or back from it otherwise: undoing what a failed
    /// stage half did to a block.</summary>
    internal void CopyRows(int start, int length, Span<byte> backup, bool save)
    {
        int offset = 0;
        foreach (ComponentType type in Archetype.Signature.Types)
        {
            int bytes = type.ByteSize * length;
            var rows = new Span<byte>(ColumnPointer(type, type.ElementSize) + ((long)start * type.ByteSize), bytes);
            if (save)
            {
                rows.CopyTo(backup.Slice(offset, bytes));
            }
            else
            {
                backup.Slice(offset, bytes).CopyTo(rows);
            }

            offset += bytes;
        }
    }

    internal Entity* EntityColumn => (Entity*)_entities;

    /// <summary>Moves the live rows into <paramref name="arena"/>'s slot <paramref name="slot"/> (this chunk's place
    /// there) and frees the chunk's own block, if it had one; the arena it lived in before is freed by the caller.</summary>
    internal void MoveInto(ColumnArena arena, int slot)
    {
        var entities = (byte*)arena.Entities(slot);
        Buffer.MemoryCopy(_entities, entities, (long)Count * sizeof(Entity), (long)Count * sizeof(Entity));
        _entities = entities;
        ReadOnlySpan<ComponentType> types = Archetype.Signature.Types;
        for (int c = 0; c < _columns.Length; c++)
        {
            var column = (byte*)arena.Column(c, slot);
            long bytes = (long)Count * types[c].ByteSize;
            Buffer.MemoryCopy((byte*)_columns[c], column, bytes, bytes);
            _columns[c] = (nint)column;
        }

        if (_block != null)
        {
            NativeMemory.AlignedFree(_block);
            _block = null;
        }
    }

    internal void Free()
    {
        if (_block != null)
        {
            NativeMemory.AlignedFree(_block);
            _block = null;
        }

        _freed = true;
    }

    private byte* EnsureMemory() => !_freed
        ? _entities
        : throw new ObjectDisposedException(nameof(World), "The world that owned this chunk has been disposed.");

    private static long Align(long value) => (value + Alignment - 1) & ~(long)(Alignment - 1);
}
