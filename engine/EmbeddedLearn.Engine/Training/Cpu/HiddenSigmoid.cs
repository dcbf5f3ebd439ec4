using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>sigmoid as a type argument (<see cref="IHiddenActivation"/>).</summary>
internal readonly struct HiddenSigmoid : IHiddenActivation
{
    /// <inheritdoc/>
    public static Activation Value => Activation.Sigmoid;
}
