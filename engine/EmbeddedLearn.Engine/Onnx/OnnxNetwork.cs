using System.Globalization;
using EmbeddedLearn.Components;

namespace EmbeddedLearn.Onnx;

/// <summary>
/// What <see cref="OnnxModel.Import(string)"/> read from an ONNX file: the layout (widths and hidden activation; the
/// output layer is linear) and, for each of the <see cref="ModelCount"/> models the file holds (1, or K for a stacked
/// file), its P parameters in PyTorch order (per layer: weight <c>[out, in]</c> row-major, then bias <c>[out]</c>),
/// the order <see cref="Training.ModelSpec.Spawn(Ecs.World, in TrainingSettings, ReadOnlySpan{float})"/> and
/// <see cref="Training.ModelSpec.ImportParameters"/> take.
/// </summary>
public sealed class OnnxNetwork
{
    private readonly float[][] _models;

    internal OnnxNetwork(ModelLayout layout, float[][] models)
    {
        Layout = layout;
        _models = models;
    }

    /// <summary>The widths <c>[in, hidden..., out]</c> and the hidden activation.</summary>
    public ModelLayout Layout { get; }

    /// <summary>How many models the file holds: 1, or K for a stacked file (input <c>[K, N, in]</c>).</summary>
    public int ModelCount => _models.Length;

    /// <summary>Model <paramref name="model"/>'s P = <c>Layout.ParameterCount</c> parameters in PyTorch order.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="model"/> is not in <c>[0, ModelCount)</c>.</exception>
    public ReadOnlySpan<float> GetParameters(int model = 0)
    {
        if ((uint)model >= (uint)_models.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(model), model, string.Format(CultureInfo.InvariantCulture,
                "The file holds {0} model(s); model must be in 0..{1}.", _models.Length, _models.Length - 1));
        }

        return _models[model];
    }

    /// <inheritdoc/>
    public override string ToString() => ModelCount == 1 ? Layout.ToString()
        : string.Format(CultureInfo.InvariantCulture, "{0} x {1}", ModelCount, Layout);
}
