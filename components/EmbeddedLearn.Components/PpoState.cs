using System.Runtime.InteropServices;

namespace EmbeddedLearn.Components;

/// <summary>
/// Per-brain state of PPO (a plain component the engine maintains): where the collecting rollout is, where the update
/// of the previous rollout is, and the brain's random streams. A brain has two rollout buffers: members' transitions
/// go into the collecting one while the minibatches of the update read the other (double buffering).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public record struct PpoState
{
    /// <summary>Decisions recorded in the collecting rollout, in <c>[0, T]</c> (T = the spec's horizon); when it
    /// reaches T the next decision hands the rollout to the update and starts the other buffer.</summary>
    public int Step { get; set; }

    /// <summary>Which of the two rollout buffers collects (0 or 1); the other one is the update's.</summary>
    public int Collecting { get; set; }

    /// <summary>Whether an update is in progress (its minibatches run over the following ticks).</summary>
    public bool Updating { get; set; }

    /// <summary>The epoch of the update in progress, in <c>[0, Epochs)</c>.</summary>
    public int Epoch { get; set; }

    /// <summary>The next minibatch of the epoch, in <c>[0, ceil(Rows / M))</c>.</summary>
    public int Minibatch { get; set; }

    /// <summary>Transitions of the rollout being trained on (those left out for bad data are not counted).</summary>
    public int Rows { get; set; }

    /// <summary>Rows of the minibatch in the model's inputs now, in <c>[0, M]</c> (the last of an epoch may be short).</summary>
    public int MinibatchRows { get; set; }

    /// <summary>Decisions taken (ticks on which the brain acted for at least one member).</summary>
    public long Decisions { get; set; }

    /// <summary>Rollouts completed (each handed to an update).</summary>
    public long Rollouts { get; set; }

    /// <summary>Updates finished (all epochs run).</summary>
    public long Updates { get; set; }

    /// <summary>Updates cut short because the next rollout was full first (the new rollout replaces them).</summary>
    public long UpdatesCut { get; set; }

    /// <summary>Transitions left out for bad data (a non-finite observation or reward, or no value to bootstrap from).</summary>
    public long RowsLeftOut { get; set; }

    /// <summary>The acting random stream (Gaussian noise, categorical draws).</summary>
    public ulong ActRandom { get; set; }

    /// <summary>The shuffling random stream (minibatch order).</summary>
    public ulong ShuffleRandom { get; set; }
}
