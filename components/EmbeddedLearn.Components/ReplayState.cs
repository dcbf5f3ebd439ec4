using System.Runtime.InteropServices;

namespace EmbeddedLearn.Components;

/// <summary>The fill state of a Q-learning agent's replay ring (a plain component the engine maintains): the ring
/// holds the last <c>Capacity</c> transitions the game recorded, the newest at <c>Next - 1</c> (modulo capacity).</summary>
[StructLayout(LayoutKind.Sequential)]
public record struct ReplayState
{
    /// <summary>Transitions held, at most the capacity.</summary>
    public int Count { get; set; }

    /// <summary>Slot the next transition is written to.</summary>
    public int Next { get; set; }

    /// <summary>Transitions recorded so far (including those the ring has since overwritten).</summary>
    public long Added { get; set; }

    /// <summary>Transitions refused because a value was NaN or infinite (nothing of them was stored).</summary>
    public long Rejected { get; set; }
}
