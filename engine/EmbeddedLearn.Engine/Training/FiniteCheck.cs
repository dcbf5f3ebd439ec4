using System.Numerics.Tensors;

namespace EmbeddedLearn.Training;

/// <summary>Finds NaN and infinity in float spans, vectorised.</summary>
internal static class FiniteCheck
{
    /// <summary>Index of the first value that is NaN or infinite, or -1 when all are finite.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        // The sum of finite values is finite unless it overflows; only a non-finite sum needs the scan.
        if (values.IsEmpty || float.IsFinite(TensorPrimitives.Sum(values)))
        {
            return -1;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether every value of <paramref name="values"/> is finite (true for an empty span).</summary>
    public static bool AllFinite(ReadOnlySpan<float> values) => FirstNonFinite(values) < 0;
}
