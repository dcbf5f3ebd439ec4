using System.Globalization;
using System.Text;

namespace EmbeddedLearn.Components;

/// <summary>
/// The shape of a dense network chosen at run time: widths <c>[in, h1, ..., out]</c> give the layers
/// <c>Linear(in, h1), act, Linear(h1, h2), act, ..., Linear(hk, out)</c> (no activation after the last layer),
/// exactly as PyTorch's <c>nn.Sequential</c> of <c>nn.Linear</c>. Layer <c>l</c> computes
/// <c>y = x W_l^T + b_l</c> with <c>W_l</c> of shape <c>[out_l, in_l]</c>.
/// </summary>
/// <remarks>
/// A layout is immutable and compares by value: entities with equal layouts (and equal batch sizes) share an
/// archetype, so one stage sees all their parameters as one contiguous block.
/// The parameter count is <c>P = sum_l (in_l * out_l + out_l)</c> floats.
/// </remarks>
public sealed class ModelLayout : IEquatable<ModelLayout>
{
    private readonly int[] _widths;
    private readonly int[] _weightOffsets;
    private readonly int[] _biasOffsets;

    /// <summary>Creates a layout from the widths, input first, and the hidden activation.</summary>
    /// <param name="widths">At least two widths, each at least 1: <c>[in, hidden..., out]</c>.</param>
    /// <param name="hiddenActivation">The activation after every layer but the last.</param>
    /// <exception cref="ArgumentException">Fewer than two widths, a width that is zero or negative (the message
    /// names the position and the value), or more than <see cref="MaxParameterCount"/> parameters (the message names
    /// the layout and the limit).</exception>
    public ModelLayout(ReadOnlySpan<int> widths, Activation hiddenActivation)
    {
        if (widths.Length < 2)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "A model layout needs at least two widths (input and output); got {0}.", widths.Length), nameof(widths));
        }

        for (int i = 0; i < widths.Length; i++)
        {
            if (widths[i] <= 0)
            {
                throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                    "Model layout width {0} (of [{1}]) is {2}; every width must be at least 1.",
                    i, Join(widths), widths[i]), nameof(widths));
            }
        }

        if (!Enum.IsDefined(hiddenActivation))
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                "Unknown hidden activation {0}.", (int)hiddenActivation), nameof(hiddenActivation));
        }

        _widths = widths.ToArray();
        HiddenActivation = hiddenActivation;
        _weightOffsets = new int[LayerCount];
        _biasOffsets = new int[LayerCount];
        long offset = 0;
        int hidden = 0; // at most P: every hidden unit has a bias
        for (int l = 0; l < LayerCount; l++)
        {
            // Each term is at most int.MaxValue squared, and the sum is checked against the limit after every layer,
            // so the long never overflows.
            long weights = (long)_widths[l] * _widths[l + 1];
            if (offset + weights + _widths[l + 1] > MaxParameterCount)
            {
                throw new ArgumentException(string.Format(CultureInfo.InvariantCulture,
                    "Model layout [{0}] has at least {3} parameters (counting layers 0 to {2}); the limit is {1}.",
                    Join(widths), MaxParameterCount, l, offset + weights + _widths[l + 1]), nameof(widths));
            }

            _weightOffsets[l] = (int)offset;
            offset += weights;
            _biasOffsets[l] = (int)offset;
            offset += _widths[l + 1];
            if (l < LayerCount - 1)
            {
                hidden += _widths[l + 1];
            }
        }

        ParameterCount = (int)offset;
        HiddenUnitCount = hidden;
        MaxWidth = _widths.Max();
    }

    /// <summary>Creates a layout from the widths, input first, and the hidden activation.</summary>
    public ModelLayout(int[] widths, Activation hiddenActivation)
        : this((ReadOnlySpan<int>)widths, hiddenActivation)
    {
    }

    /// <summary>The most parameters a layout may hold, <c>int.MaxValue</c>: P is an <see cref="int"/> and offsets into
    /// the flat parameter vector are too. (An engine may refuse smaller layouts: every model entity also holds gradients
    /// and optimizer state of P or 2P floats.)</summary>
    public const int MaxParameterCount = int.MaxValue;

    /// <summary>The widths <c>[in, hidden..., out]</c>.</summary>
    public ReadOnlySpan<int> Widths => _widths;

    /// <summary>The activation after every hidden layer.</summary>
    public Activation HiddenActivation { get; }

    /// <summary>Number of dense layers (<c>Widths.Length - 1</c>).</summary>
    public int LayerCount => _widths.Length - 1;

    /// <summary>Input width: floats per sample fed to the model.</summary>
    public int InputWidth => _widths[0];

    /// <summary>Output width: floats per sample the model produces.</summary>
    public int OutputWidth => _widths[^1];

    /// <summary>Total parameter count <c>P = sum_l (in_l * out_l + out_l)</c>.</summary>
    public int ParameterCount { get; }

    /// <summary>Sum of the hidden widths: floats per sample that backward keeps from forward.</summary>
    public int HiddenUnitCount { get; }

    /// <summary>The largest width of any layer.</summary>
    public int MaxWidth { get; }

    /// <summary>Input width of layer <paramref name="layer"/>.</summary>
    public int LayerInput(int layer) => _widths[layer];

    /// <summary>Output width of layer <paramref name="layer"/>.</summary>
    public int LayerOutput(int layer) => _widths[layer + 1];

    /// <summary>Offset, in floats, of layer <paramref name="layer"/>'s weight within the flat parameter vector
    /// (<c>out * in</c> floats follow). The engine stores the weight as <c>[in, out]</c> (transposed) while the
    /// PyTorch order used by import and export is <c>[out, in]</c>; both start at this offset.</summary>
    public int WeightOffset(int layer) => _weightOffsets[layer];

    /// <summary>Offset, in floats, of layer <paramref name="layer"/>'s bias (<c>out</c> floats) in the flat
    /// parameter vector; the same in engine and PyTorch order.</summary>
    public int BiasOffset(int layer) => _biasOffsets[layer];

    /// <summary>A short stable key such as <c>8-32-32-2/tanh</c>, used to name run-time component types.</summary>
    public string Key => Join(_widths).Replace(',', '-') + "/" + ActivationNames.ToName(HiddenActivation);

    /// <summary>Parses <c>"8,32,32,2"</c> with the given hidden activation. The separator is a comma, or, in a text
    /// without commas, <c>x</c> or a dash (<c>"8-32-32-2"</c>, <c>"8x32x2"</c>); each part is a positive integer in
    /// decimal digits, surrounding spaces allowed.</summary>
    /// <exception cref="FormatException">A part is empty (<c>"1,,2"</c>, a leading or trailing separator), negative
    /// (<c>"2,-5,1"</c>), or not an integer; the message quotes the text and names the part by position and text.</exception>
    /// <exception cref="ArgumentException">The widths do not form a layout (see the constructor).</exception>
    public static ModelLayout Parse(string widths, Activation hiddenActivation)
    {
        ArgumentNullException.ThrowIfNull(widths);
        char separator = widths.Contains(',', StringComparison.Ordinal) ? ','
            : widths.Contains('x', StringComparison.Ordinal) ? 'x' : '-';
        string[] parts = widths.Split(separator, StringSplitOptions.TrimEntries);
        int[] values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            string? problem = part.Length == 0 ? "is empty"
                : part.StartsWith('-') ? "is negative; every width must be at least 1"
                : !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) ? "is not a positive integer"
                : null;
            if (problem is not null)
            {
                throw new FormatException(string.Format(CultureInfo.InvariantCulture,
                    "Model layout '{0}': part {1} ('{2}') {3}.", widths, i, part, problem));
            }
        }

        return new ModelLayout(values, hiddenActivation);
    }

    /// <inheritdoc/>
    public bool Equals(ModelLayout? other) =>
        other is not null && HiddenActivation == other.HiddenActivation && _widths.AsSpan().SequenceEqual(other._widths);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ModelLayout);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(HiddenActivation);
        foreach (int w in _widths)
        {
            hash.Add(w);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => "[" + Join(_widths) + "] " + ActivationNames.ToName(HiddenActivation);

    private static string Join(ReadOnlySpan<int> values)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(values[i].ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}
