namespace EmbeddedLearn.Demos.Arena;

/// <summary>What a control message from the page asks for.</summary>
internal enum ControlKind
{
    /// <summary>Pause learning (aimers keep aiming with frozen weights).</summary>
    Pause,

    /// <summary>Resume learning.</summary>
    Resume,

    /// <summary>Reset a group's models to fresh weights.</summary>
    Reset,

    /// <summary>Set a group's learning rate.</summary>
    LearningRate,

    /// <summary>Add turrets to a group.</summary>
    AddTurrets,

    /// <summary>Set the training budget per frame (or none).</summary>
    Budget,

    /// <summary>Switch the training backend.</summary>
    Backend,

    /// <summary>Foragers: learning agents act greedily (value 1) or epsilon-greedily (value 0).</summary>
    Greedy,
}
