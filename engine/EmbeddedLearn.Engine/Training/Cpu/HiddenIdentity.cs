using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>identity as a type argument (<see cref="IHiddenActivation"/>).</summary>
internal readonly struct HiddenIdentity : IHiddenActivation
{
    /// <inheritdoc/>
    public static Activation Value => Activation.Identity;
}
