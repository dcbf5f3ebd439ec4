using System.Runtime.InteropServices;

namespace EmbeddedLearn.Ecs;

/// <summary>
/// One native block holding every column of an archetype's first <see cref="Slots"/> chunks back to back: the entity
/// column, then each component's column (the archetype's column order), each starting on a page
/// (<see cref="PageBytes"/>), and within a column chunk <c>s</c>'s rows right after chunk <c>s - 1</c>'s. So rows
/// <c>[0, n)</c> of a component are one contiguous range for any <c>n</c> up to <c>Slots * capacity</c>: what a device
/// can use as a buffer's storage, or copy from in one transfer. Freed by its archetype.
/// </summary>
internal sealed unsafe class ColumnArena
{
    /// <summary>The alignment of each column's start: a page, above any OpenCL device's CL_DEVICE_MEM_BASE_ADDR_ALIGN.</summary>
    public const int PageBytes = 4096;

    private readonly long[] _offsets;
    private readonly int[] _rowBytes;
    private readonly int _capacity;
    private byte* _memory;

    /// <summary>Allocates room for <paramref name="slots"/> chunks of <paramref name="capacity"/> rows of
    /// <paramref name="types"/> (uninitialised: chunks copy their live rows in, and a row is cleared when it is added).</summary>
    public ColumnArena(ReadOnlySpan<ComponentType> types, int capacity, int slots)
    {
        Slots = slots;
        _capacity = capacity;
        long rows = (long)slots * capacity;
        _offsets = new long[types.Length + 1];
        _rowBytes = new int[types.Length + 1];
        _rowBytes[0] = sizeof(Entity);
        long offset = Align(rows * sizeof(Entity));
        for (int c = 0; c < types.Length; c++)
        {
            _offsets[c + 1] = offset;
            _rowBytes[c + 1] = types[c].ByteSize;
            offset = Align(offset + (rows * types[c].ByteSize));
        }

        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(offset, PageBytes), PageBytes);
    }

    /// <summary>Chunks the arena has room for.</summary>
    public int Slots { get; }

    /// <summary>Where chunk <paramref name="slot"/>'s entity handles live.</summary>
    public nint Entities(int slot) => Address(0, slot);

    /// <summary>Where chunk <paramref name="slot"/>'s rows of column <paramref name="column"/> live (the whole column from
    /// its first row at slot 0).</summary>
    public nint Column(int column, int slot) => Address(column + 1, slot);

    /// <summary>Frees the memory; the chunks that lived here must have moved or been freed.</summary>
    public void Free()
    {
        if (_memory != null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
        }
    }

    private nint Address(int column, int slot) =>
        (nint)(_memory + _offsets[column] + ((long)slot * _capacity * _rowBytes[column]));

    private static long Align(long value) => (value + PageBytes - 1) & ~(long)(PageBytes - 1);
}
