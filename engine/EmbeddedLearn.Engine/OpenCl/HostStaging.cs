using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// Host memory for one per-tick transfer (samples up, results down, flags, losses): pinned for the buffer's whole life and
/// aligned to <see cref="AlignmentBytes"/>, so that a transfer can be in flight while the host goes on and a CPU device
/// can use the memory as the buffer itself (<c>CL_MEM_USE_HOST_PTR</c>: its reads and writes of that memory are then no
/// copies at all). Allocated with the buffers, never on a tick.
/// </summary>
/// <typeparam name="T">The element type (float or int).</typeparam>
internal sealed unsafe class HostStaging<T>
    where T : unmanaged
{
    /// <summary>The alignment of <see cref="Pointer"/>: a page, above any device's CL_DEVICE_MEM_BASE_ADDR_ALIGN.</summary>
    public const int AlignmentBytes = 4096;

    private readonly T[] _array;
    private readonly int _offset;

    /// <summary>Allocates <paramref name="length"/> elements, zeroed.</summary>
    public HostStaging(int length)
    {
        // The pinned object heap never moves an array: align once within some slack.
        _array = GC.AllocateArray<T>(length + (AlignmentBytes / sizeof(T)), pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
        int misalignment = (int)(address & (AlignmentBytes - 1));
        _offset = misalignment == 0 ? 0 : (AlignmentBytes - misalignment) / sizeof(T);
        Length = length;
    }

    /// <summary>No elements.</summary>
    public static HostStaging<T> Empty { get; } = new(0);

    /// <summary>Elements.</summary>
    public int Length { get; }

    /// <summary>The elements.</summary>
    public Span<T> Span => _array.AsSpan(_offset, Length);

    /// <summary>The first element's address (stable: the memory is pinned).</summary>
    public T* Pointer => (T*)Unsafe.AsPointer(ref _array[_offset]);

    /// <summary>Bytes of <see cref="Length"/> elements.</summary>
    public long Bytes => Length * (long)sizeof(T);
}
