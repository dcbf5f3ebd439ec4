using System.Runtime.InteropServices;

namespace EmbeddedLearn.Components;

/// <summary>
/// Per-entity training counters (a plain component the engine maintains): how many backward passes and
/// optimizer steps the entity has taken. Zero-grad clears at the start of a window when
/// <c>BackwardPasses % K == 0</c>; the optimizer steps when a backward pass makes <c>BackwardPasses % K == 0</c>;
/// Adam's bias correction uses <c>t = OptimizerSteps</c> after the increment. The guard stage records the gradient
/// norm it measured, the consecutive failures (non-finite gradients) and what happened this tick.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public record struct TrainingState
{
    /// <summary>Backward passes taken so far.</summary>
    public long BackwardPasses { get; set; }

    /// <summary>Optimizer steps taken so far (PyTorch's per-parameter <c>step</c>).</summary>
    public long OptimizerSteps { get; set; }

    /// <summary>Whether the optimizer is to step at the end of this tick (set by backward, cleared by the step stage
    /// whether it applied the step or rejected it, or by the guard when the gradients are not finite).</summary>
    public bool StepDue { get; set; }

    /// <summary>What happened to the entity in its last tick.</summary>
    public TickOutcome Outcome { get; set; }

    /// <summary>Optimizer steps not applied in a row (<see cref="TickOutcome.StepSkipped"/>: non-finite gradients, or a
    /// step whose new parameters or optimizer state were not finite); 0 after an applied step.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>The total 2-norm of the gradients over all parameters the guard measured before its last step
    /// (<c>clip_grad_norm_</c>'s return value; NaN or infinity when they were not finite; 0 before any).</summary>
    public float GradientNorm { get; set; }
}
