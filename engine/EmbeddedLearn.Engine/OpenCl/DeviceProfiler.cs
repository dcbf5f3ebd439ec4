using Silk.NET.OpenCL;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// Device time per stage from OpenCL profiling events (the queue is created with CL_QUEUE_PROFILING_ENABLE): every
/// launch records its event under a slot (an engine stage's position in <see cref="DeviceStages"/>, then
/// <see cref="FusedSlot"/>, <see cref="LayoutSlot"/>, <see cref="GpuSlot"/> and <see cref="CustomSlot"/>); after the tick's wait <see cref="CompleteTick"/> sums end - start per slot and
/// releases the events. Event storage is preallocated: when it fills up mid-tick the queue is drained and the
/// events collected early, so a tick never allocates.
/// </summary>
internal sealed unsafe class DeviceProfiler(OpenClApi api, nint queue)
{
    /// <summary>The slot of the fused kernel (after one slot per engine stage, <see cref="DeviceStages"/>).</summary>
    public static readonly int FusedSlot = DeviceStages.Count;

    /// <summary>The slot of the layout conversion kernels (per-tick samples up, results down).</summary>
    public static readonly int LayoutSlot = DeviceStages.Count + 1;

    /// <summary>The slot of the GPU family's whole-tick kernel.</summary>
    public static readonly int GpuSlot = DeviceStages.Count + 2;

    /// <summary>The slot of games' own stages (their <see cref="Training.DeviceBody"/> kernels).</summary>
    public static readonly int CustomSlot = DeviceStages.Count + 3;

    /// <summary>Slot names, as <see cref="OpenClBackend.DeviceTimeSlots"/> reports them.</summary>
    public static readonly string[] SlotNames =
        [.. Enumerable.Range(0, DeviceStages.Count).Select(DeviceStages.KernelName), KernelSource.Fused, "layout", KernelSource.GpuTick, "custom"];

    private readonly nint[] _events = new nint[256];
    private readonly int[] _slots = new int[256];
    private readonly long[] _current = new long[SlotNames.Length];
    private readonly long[] _last = new long[SlotNames.Length];
    private int _count;

    /// <summary>Records <paramref name="evt"/> (owned from now on) under <paramref name="slot"/>.</summary>
    public void Add(int slot, nint evt)
    {
        if (evt == 0)
        {
            return;
        }

        if (_count == _events.Length)
        {
            api.Finish(queue);
            Collect();
        }

        _events[_count] = evt;
        _slots[_count] = slot;
        _count++;
    }

    /// <summary>Ends the tick: collects the remaining events (the caller has waited for the queue) and makes their
    /// sums the last tick's figures.</summary>
    public void CompleteTick()
    {
        Collect();
        Array.Copy(_current, _last, _last.Length);
        Array.Clear(_current);
    }

    /// <summary>Device nanoseconds spent in <paramref name="slot"/> during the last completed tick.</summary>
    public long LastTickNanoseconds(int slot) => _last[slot];

    /// <summary>Releases the events not yet collected (after a fault), without reading them.</summary>
    public void Discard()
    {
        for (int i = 0; i < _count; i++)
        {
            api.Cl.ReleaseEvent(_events[i]);
        }

        _count = 0;
        Array.Clear(_current);
    }

    private void Collect()
    {
        for (int i = 0; i < _count; i++)
        {
            nint evt = _events[i];
            ulong start = 0;
            ulong end = 0;
            // A failed command has no times; it then counts as zero rather than failing the tick.
            if (api.Cl.GetEventProfilingInfo(evt, ProfilingInfo.Start, sizeof(ulong), &start, null) == 0
                && api.Cl.GetEventProfilingInfo(evt, ProfilingInfo.End, sizeof(ulong), &end, null) == 0
                && end > start)
            {
                _current[_slots[i]] += (long)(end - start);
            }

            api.Cl.ReleaseEvent(evt);
        }

        _count = 0;
    }
}
