namespace EmbeddedLearn.Components;

/// <summary>What happened to one entity in its last tick (<see cref="TrainingState.Outcome"/>), as flags.</summary>
[Flags]
public enum TickOutcome : byte
{
    /// <summary>It trained normally (or was not due to step).</summary>
    None = 0,

    /// <summary>Left out of the tick: its inputs or targets held NaN or infinity. Nothing of it changed.</summary>
    LeftOut = 1,

    /// <summary>Its optimizer step was not applied, as PyTorch's GradScaler skips <c>optimizer.step()</c>: its gradient
    /// norm was not finite (the guard skipped the step), or the step would have made a new parameter or a new optimizer
    /// state value (momentum buffer, Adam's <c>exp_avg</c> or <c>exp_avg_sq</c>) NaN or infinite (the step stage
    /// rejected it). Its parameters, optimizer state and <see cref="TrainingState.OptimizerSteps"/> stay exactly as
    /// before the step. Counts as a failure.</summary>
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

    /// <summary>Its forward pass produced a NaN or infinite output (a huge finite input overflowing, say): its outputs
    /// keep the finite values of its last tick, and it sits out this tick's training stages (no loss, backward or step),
    /// as for <see cref="LeftOut"/>; not a failure.</summary>
    OutputsHeld = 32,

    /// <summary>Any reason a training stage leaves an entity untouched: <see cref="LeftOut"/>, <see cref="Waiting"/> or
    /// <see cref="OutputsHeld"/>.</summary>
    SitsOut = LeftOut | Waiting | OutputsHeld,
}
