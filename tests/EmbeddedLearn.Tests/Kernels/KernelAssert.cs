using Xunit.Sdk;

namespace EmbeddedLearn.Tests.Kernels;

internal static class KernelAssert
{
    /// <summary>Passes when <c>|actual - expected| &lt;= abs + rel |expected|</c> for every element.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double rel = 1e-4, double abs = 1e-6, string what = "")
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{what}: length {actual.Length}, expected {expected.Length}");
        }

        for (int k = 0; k < expected.Length; k++)
        {
            double e = expected[k], a = actual[k];
            if (!(Math.Abs(a - e) <= abs + (rel * Math.Abs(e))))
            {
                throw new XunitException($"{what}[{k}]: {a:R}, expected {e:R} (diff {Math.Abs(a - e):E3})");
            }
        }
    }

    /// <summary>Passes when every float has the same bits (a NaN too).</summary>
    public static void Bitwise(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what = "")
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{what}: length {actual.Length}, expected {expected.Length}");
        }

        for (int k = 0; k < expected.Length; k++)
        {
            if (BitConverter.SingleToInt32Bits(expected[k]) != BitConverter.SingleToInt32Bits(actual[k]))
            {
                throw new XunitException($"{what}[{k}]: {actual[k]:R}, expected bitwise {expected[k]:R}");
            }
        }
    }

    public static float[] RandomFloats(Random random, int n, double scale = 1)
    {
        var values = new float[n];
        for (int k = 0; k < n; k++)
        {
            values[k] = (float)(((random.NextDouble() * 2) - 1) * scale);
        }

        return values;
    }

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var d = new double[values.Length];
        for (int k = 0; k < d.Length; k++)
        {
            d[k] = values[k];
        }

        return d;
    }
}
