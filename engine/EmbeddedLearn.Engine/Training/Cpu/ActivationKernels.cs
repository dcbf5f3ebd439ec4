using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Cpu;

/// <summary>
/// Derivatives of the hidden activations for the input-gradient tiles' epilogues: <c>g f'(z)</c> with <c>f'</c>
/// written in terms of the stored post-activation value <c>y</c>: relu <c>y &gt; 0 ? g : 0</c>; leaky_relu
/// <c>g (y &gt; 0 ? 1 : 0.01)</c>; tanh <c>g (1 - y^2)</c>; sigmoid <c>g y (1 - y)</c>; identity <c>g</c>. The
/// activations themselves run in the forward tiles (<see cref="FastActivation"/>). Vector and scalar forms do
/// the same operations, so they agree bitwise.
/// </summary>
internal static class ActivationKernels
{
    /// <summary><c>g f'(y)</c> lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Backward(Activation activation, Vector512<float> y, Vector512<float> g) => activation switch
    {
        Activation.Relu => Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), g, Vector512<float>.Zero),
        Activation.LeakyRelu => g * Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero),
            Vector512<float>.One, Vector512.Create(ActivationNames.LeakyReluSlope)),
        Activation.Tanh => g * (Vector512<float>.One - (y * y)),
        Activation.Sigmoid => g * (y * (Vector512<float>.One - y)),
        _ => g,
    };

    /// <summary><c>g f'(y)</c> lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Backward(Activation activation, Vector256<float> y, Vector256<float> g) => activation switch
    {
        Activation.Relu => Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), g, Vector256<float>.Zero),
        Activation.LeakyRelu => g * Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero),
            Vector256<float>.One, Vector256.Create(ActivationNames.LeakyReluSlope)),
        Activation.Tanh => g * (Vector256<float>.One - (y * y)),
        Activation.Sigmoid => g * (y * (Vector256<float>.One - y)),
        _ => g,
    };

    /// <summary><c>g f'(y)</c> lane-wise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Backward(Activation activation, Vector128<float> y, Vector128<float> g) => activation switch
    {
        Activation.Relu => Vector128.ConditionalSelect(Vector128.GreaterThan(y, Vector128<float>.Zero), g, Vector128<float>.Zero),
        Activation.LeakyRelu => g * Vector128.ConditionalSelect(Vector128.GreaterThan(y, Vector128<float>.Zero),
            Vector128<float>.One, Vector128.Create(ActivationNames.LeakyReluSlope)),
        Activation.Tanh => g * (Vector128<float>.One - (y * y)),
        Activation.Sigmoid => g * (y * (Vector128<float>.One - y)),
        _ => g,
    };

    /// <summary><c>g f'(y)</c> for one float.</summary>
    public static float Backward(Activation activation, float y, float g) => activation switch
    {
        Activation.Relu => y > 0f ? g : 0f,
        Activation.LeakyRelu => g * (y > 0f ? 1f : ActivationNames.LeakyReluSlope),
        Activation.Tanh => g * (1f - (y * y)),
        Activation.Sigmoid => g * (y * (1f - y)),
        _ => g,
    };
}
