using System.Runtime.InteropServices;

namespace EmbeddedLearn.Components;

/// <summary>
/// Per-entity training counters (a plain component the engine maintains): how many backward passes and
/// optimizer steps the entity has taken. Zero-grad clears at the start of a window when
/// <c>BackwardPasses % K == 0</c>; the optimizer steps when a backward pass makes <c>BackwardPasses % K == 0</c>;
/// Adam's bias correction uses <c>t = OptimizerSteps</c> after the increment.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public record struct TrainingState
{
    /// <summary>Backward passes taken so far.</summary>
    public long BackwardPasses { get; set; }

    /// <summary>Optimizer steps taken so far (PyTorch's per-parameter <c>step</c>).</summary>
    public long OptimizerSteps { get; set; }

    /// <summary>Whether the optimizer is to step at the end of this tick (set by backward, cleared by the step).</summary>
    public bool StepDue { get; set; }
}
