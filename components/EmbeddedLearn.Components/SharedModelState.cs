using System.Runtime.InteropServices;

namespace EmbeddedLearn.Components;

/// <summary>
/// What a shared model (a brain whose parameters several member entities share) held in its last tick: the members
/// joined, those whose samples formed the batch, those left out for bad data, and the batch rows in use. The engine
/// writes it each tick; the game reads it.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct SharedModelState
{
    /// <summary>Members joined to the brain (occupied slots).</summary>
    public int Members;

    /// <summary>Members whose samples formed the last tick's batch.</summary>
    public int MembersInBatch;

    /// <summary>Members left out of the last tick because an input or target of theirs was NaN or infinite: they
    /// contributed nothing and their outputs kept the values of their last tick in the batch.</summary>
    public int MembersLeftOut;

    /// <summary>Batch rows in use in the last tick: <c>MembersInBatch * memberBatch</c>; the loss is reduced over these
    /// rows only.</summary>
    public int RowsInBatch;
}
