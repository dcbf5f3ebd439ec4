namespace EmbeddedLearn.Components;

/// <summary>What happened to one entity in its last tick (<see cref="TrainingState.Outcome"/>), as flags.</summary>
[Flags]
public enum TickOutcome : byte
{
    /// <summary>It trained normally (or was not due to step).</summary>
    None = 0,

    /// <summary>Left out of the tick: its inputs or targets held NaN or infinity. Nothing of it changed.</summary>
    LeftOut = 1,

    /// <summary>Its gradients were not finite, so its optimizer step was skipped (parameters and optimizer state kept),
    /// as PyTorch's GradScaler skips <c>optimizer.step()</c>. Counts as a failure.</summary>
    StepSkipped = 2,

    /// <summary>Its gradients were clipped to <see cref="TrainingSettings.MaxGradNorm"/> before the step.</summary>
    Clipped = 4,

    /// <summary>This tick's failure was its <see cref="TrainingSettings.FailuresBeforeQuarantine"/>-th in a row: it was
    /// quarantined (the <see cref="Quarantined"/> component was added).</summary>
    Quarantined = 8,

    /// <summary>Sat the tick out without fault: a stage found nothing to learn from yet (a replay buffer holding fewer
    /// transitions than its agent's minimum). Every later training stage leaves it untouched, as for
    /// <see cref="LeftOut"/>, but it is not bad data and counts as no failure.</summary>
    Waiting = 16,

    /// <summary>Either reason a training stage leaves an entity untouched: <see cref="LeftOut"/> or <see cref="Waiting"/>.</summary>
    SitsOut = LeftOut | Waiting,
}
