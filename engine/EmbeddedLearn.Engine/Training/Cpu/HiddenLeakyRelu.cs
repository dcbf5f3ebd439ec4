using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>leaky_relu as a type argument (<see cref="IHiddenActivation"/>).</summary>
internal readonly struct HiddenLeakyRelu : IHiddenActivation
{
    /// <inheritdoc/>
    public static Activation Value => Activation.LeakyRelu;
}
