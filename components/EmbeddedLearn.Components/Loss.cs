using System.Runtime.InteropServices;

namespace EmbeddedLearn.Components;

/// <summary>The entity's loss from the last tick's loss stage (a plain component): the MSE over its batch,
/// reduced as its <see cref="TrainingSettings.Reduction"/> says (for <see cref="LossReduction.None"/>, the sum of
/// the per-element losses, which are kept in the loss-elements component).</summary>
[StructLayout(LayoutKind.Sequential)]
public record struct Loss
{
    /// <summary>The loss value (dimensionless; squared output units).</summary>
    public float Value { get; set; }
}
