using System.Runtime.InteropServices;

namespace EmbeddedLearn.Components;

/// <summary>
/// Per-entity state of a Q-learning agent (a plain component the engine maintains): the action chosen at the last
/// decision, which the game reads and applies, and the counters and random streams of the agent's stages. The random
/// streams are per entity, so an agent's choices and samples do not depend on the thread count or on other agents.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public record struct QAgentState
{
    /// <summary>The action chosen at the last decision, in <c>[0, A)</c>.</summary>
    public int Action { get; set; }

    /// <summary><c>Q(s, Action)</c> of the online network at the last decision.</summary>
    public float ActionValue { get; set; }

    /// <summary>Whether the last action was drawn at random (exploration) rather than greedy.</summary>
    public bool Explored { get; set; }

    /// <summary>The epsilon of the last decision.</summary>
    public float Epsilon { get; set; }

    /// <summary>Decisions taken so far.</summary>
    public long Decisions { get; set; }

    /// <summary>Times the target network was updated (hard copies or Polyak steps).</summary>
    public long TargetSyncs { get; set; }

    /// <summary>The optimizer step count (<see cref="TrainingState.OptimizerSteps"/>) at the last target update.</summary>
    public long LastSyncStep { get; set; }

    /// <summary>State of the action-selection random stream (SplitMix64).</summary>
    public ulong ActRandom { get; set; }

    /// <summary>State of the replay-sampling random stream (SplitMix64).</summary>
    public ulong SampleRandom { get; set; }
}
