namespace EmbeddedLearn.Components;

/// <summary>
/// The activation applied after every hidden dense layer (the output layer is always linear), with
/// PyTorch's definitions: identity <c>f(z) = z</c>; relu <c>max(z, 0)</c>; leaky_relu <c>z &gt; 0 ? z : 0.01 z</c>;
/// tanh; sigmoid <c>1 / (1 + e^-z)</c>.
/// </summary>
public enum Activation
{
    /// <summary><c>f(z) = z</c>, <c>f'(z) = 1</c>.</summary>
    Identity = 0,

    /// <summary><c>f(z) = max(z, 0)</c>, <c>f'(z) = z &gt; 0 ? 1 : 0</c> (PyTorch's <c>nn.ReLU</c>).</summary>
    Relu = 1,

    /// <summary><c>f(z) = z &gt; 0 ? z : 0.01 z</c> (PyTorch's <c>nn.LeakyReLU()</c>, negative slope 0.01).</summary>
    LeakyRelu = 2,

    /// <summary><c>f(z) = tanh(z)</c>, <c>f'(z) = 1 - f(z)^2</c>.</summary>
    Tanh = 3,

    /// <summary><c>f(z) = 1 / (1 + e^-z)</c>, <c>f'(z) = f(z) (1 - f(z))</c>.</summary>
    Sigmoid = 4,
}
