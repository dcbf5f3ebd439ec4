using System.Globalization;
using System.Text;

namespace EmbeddedLearn.Demos.Seed;

/// <summary>Formats float tensors the way PyTorch's <c>print(tensor)</c> does for small tensors: fixed 4 decimals,
/// integers as <c>2.</c>, scientific notation when the magnitudes span more than 1000x or leave [1e-4, 1e8].</summary>
internal static class TorchFormat
{
    /// <summary>A 1-D tensor: <c>tensor([a, b])</c>.</summary>
    public static string Vector(ReadOnlySpan<float> values) => "tensor([" + Join(values, Formatter(values)) + "])";

    /// <summary>A row-major <c>[rows, cols]</c> tensor: <c>tensor([[a, b], [c, d]])</c>.</summary>
    public static string Matrix(ReadOnlySpan<float> values, int rows, int cols)
    {
        Func<float, string> format = Formatter(values);
        var sb = new StringBuilder("tensor([");
        for (int r = 0; r < rows; r++)
        {
            sb.Append(r == 0 ? "[" : ",\n        [").Append(Join(values.Slice(r * cols, cols), format)).Append(']');
        }

        return sb.Append("])").ToString();
    }

    /// <summary>A number as <c>loss.item():.4f</c> prints it.</summary>
    public static string Item(float value) => ((double)value).ToString("F4", CultureInfo.InvariantCulture);

    private static string Join(ReadOnlySpan<float> values, Func<float, string> format)
    {
        var parts = new string[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            parts[i] = format(values[i]);
        }

        int width = parts.Max(p => p.Length);
        return string.Join(", ", parts.Select(p => p.PadLeft(width)));
    }

    private static Func<float, string> Formatter(ReadOnlySpan<float> values)
    {
        bool integers = true;
        double max = 0;
        double min = double.MaxValue;
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                continue;
            }

            integers &= v == MathF.Round(v);
            double a = Math.Abs(v);
            if (a != 0)
            {
                max = Math.Max(max, a);
                min = Math.Min(min, a);
            }
        }

        if (integers)
        {
            return max > 1e8 ? Scientific : v => ((double)v).ToString("0", CultureInfo.InvariantCulture) + ".";
        }

        bool scientific = max > 1e8 || (min != double.MaxValue && (min < 1e-4 || max / min > 1000));
        return scientific ? Scientific : v => ((double)v).ToString("0.0000", CultureInfo.InvariantCulture);
    }

    private static string Scientific(float v) => ((double)v).ToString("0.0000e+00", CultureInfo.InvariantCulture);
}
