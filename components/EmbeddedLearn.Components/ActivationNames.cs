using System.Globalization;

namespace EmbeddedLearn.Components;

/// <summary>Converts <see cref="Activation"/> to and from the names PyTorch users write
/// (<c>identity</c>, <c>relu</c>, <c>leaky_relu</c>, <c>tanh</c>, <c>sigmoid</c>).</summary>
public static class ActivationNames
{
    /// <summary>The negative slope of <see cref="Activation.LeakyRelu"/>, PyTorch's default.</summary>
    public const float LeakyReluSlope = 0.01f;

    /// <summary>The lower-case name of <paramref name="activation"/>, as in the parity fixtures.</summary>
    public static string ToName(Activation activation) => activation switch
    {
        Activation.Identity => "identity",
        Activation.Relu => "relu",
        Activation.LeakyRelu => "leaky_relu",
        Activation.Tanh => "tanh",
        Activation.Sigmoid => "sigmoid",
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    /// <summary>Parses a name such as <c>tanh</c> or <c>leaky_relu</c>.</summary>
    /// <exception cref="FormatException">The name is not one of the five activations.</exception>
    public static Activation Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant() switch
        {
            "identity" or "linear" or "none" => Activation.Identity,
            "relu" => Activation.Relu,
            "leaky_relu" or "leakyrelu" => Activation.LeakyRelu,
            "tanh" => Activation.Tanh,
            "sigmoid" => Activation.Sigmoid,
            _ => throw new FormatException(string.Format(CultureInfo.InvariantCulture,
                "Unknown activation '{0}': expected identity, relu, leaky_relu, tanh or sigmoid.", name)),
        };
    }
}
