using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// A layer's hidden activation as a type argument (<see cref="HiddenTanh"/>, <see cref="HiddenSigmoid"/>,
/// <see cref="HiddenRelu"/>, <see cref="HiddenLeakyRelu"/>, <see cref="HiddenIdentity"/>): a kernel generic over it is
/// compiled once per activation, with <see cref="ActivationKernels"/>' switch on <see cref="Value"/> folded away,
/// instead of taking that switch (an indirect jump) for every tile; the kernel's entry point switches once, on the
/// layer's value, to the instance.
/// </summary>
internal interface IHiddenActivation
{
    /// <summary>The activation this type stands for.</summary>
    static abstract Activation Value { get; }
}
