using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>tanh as a type argument (<see cref="IHiddenActivation"/>).</summary>
internal readonly struct HiddenTanh : IHiddenActivation
{
    /// <inheritdoc/>
    public static Activation Value => Activation.Tanh;
}
