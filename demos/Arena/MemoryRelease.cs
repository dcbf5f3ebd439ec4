using System.Runtime.InteropServices;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>Hands freed memory back to the operating system after a scene is disposed: a full, compacting garbage
/// collection (the scene's managed arrays), then, on Linux with glibc, <c>malloc_trim(0)</c>: a world's chunks are
/// native allocations of up to a megabyte, which glibc keeps in its heap once freed unless asked to return them.</summary>
internal static partial class MemoryRelease
{
    public static void Return()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc (musl has no malloc_trim): its allocator returns what it can on its own.
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
