using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>Software prefetch of data a kernel is about to touch, where the CPU has the instruction (x86-64's
/// <c>prefetcht0</c>); elsewhere nothing. Only a hint: it never changes a result.</summary>
internal static unsafe class CachePrefetch
{
    private const int LineFloats = 16; // 64-byte cache lines

    /// <summary>Asks for the cache line that holds <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Line(float* p)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(p);
        }
    }

    /// <summary>Asks for every cache line <paramref name="data"/> spans: one every line from its start, and its last,
    /// which a run that does not start on a line boundary reaches into.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Lines(ReadOnlySpan<float> data)
    {
        if (!Sse.IsSupported || data.IsEmpty)
        {
            return;
        }

        fixed (float* p = &MemoryMarshal.GetReference(data))
        {
            for (int k = 0; k < data.Length; k += LineFloats)
            {
                Sse.Prefetch0(p + k);
            }

            Sse.Prefetch0(p + data.Length - 1);
        }
    }
}
