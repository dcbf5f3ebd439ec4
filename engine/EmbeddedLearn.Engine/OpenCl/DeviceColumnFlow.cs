namespace EmbeddedLearn.OpenCl;

/// <summary>How the device column of a stage's own component (a Q-learning agent's, a shared model brain's; see
/// <see cref="DeviceColumn.Argument"/>) moves between the host's chunks and the device each tick. Every column goes up
/// with the whole upload after a structural change.</summary>
internal enum DeviceColumnFlow
{
    /// <summary>Stays on the device (the device changes it, or the host sends it by other means).</summary>
    Resident,

    /// <summary>Gathered and sent before every tick: the game writes it between ticks.</summary>
    Up,

    /// <summary>Gathered before every tick and sent only when its bits differ from what was sent last: the game writes it
    /// rarely.</summary>
    UpWhenChanged,

    /// <summary>Read after every tick and scattered into the chunks, every row: the device keeps it, the game reads it.</summary>
    Down,

    /// <summary>Both: gathered and sent before every tick, read and scattered after it. For what the device changes and the
    /// game changes too between ticks (a PPO brain's slots, rollouts and state): the host's copy is the whole truth
    /// between ticks, so a fault during a tick leaves the tick-start values there.</summary>
    UpAndDown,
}
