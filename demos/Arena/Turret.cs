using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>One turret: its learner and aimer entities, the target it shoots at, and its shell.</summary>
internal struct Turret
{
    /// <summary>The trainable entity (learns from past observations).</summary>
    public Entity Learner;

    /// <summary>The inference-only entity (aims with the learner's latest weights).</summary>
    public Entity Aimer;

    /// <summary>The target circling the turret, in the turret's local coordinates (arena units).</summary>
    public Target Target;

    /// <summary>Frame the shell in flight was fired on, or -1 when none is in flight.</summary>
    public long ShellFired;

    /// <summary>Where the shell in flight was aimed (local coordinates).</summary>
    public float ShellX, ShellY;

    /// <summary>Frame the last shell landed on (-1: none yet), and whether it hit.</summary>
    public long LastLanded;

    /// <summary>Whether the last shell that landed hit its target.</summary>
    public bool LastHit;

    /// <summary>The learner's loss on the last frame it was trained (squared arena units).</summary>
    public float Loss;

    /// <summary>Whether the turret's sensor is broken (<c>--bad-sensors</c>): its learner and aimer see NaN every frame,
    /// so the pipeline leaves both out; the turret does not fire and is not counted in its group's figures.</summary>
    public bool BadSensor;
}
