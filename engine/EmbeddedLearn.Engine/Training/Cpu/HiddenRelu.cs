using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>relu as a type argument (<see cref="IHiddenActivation"/>).</summary>
internal readonly struct HiddenRelu : IHiddenActivation
{
    /// <inheritdoc/>
    public static Activation Value => Activation.Relu;
}
