using System.Globalization;
using EmbeddedLearn.Training.Parity;
using Xunit;

namespace EmbeddedLearn.Tests.SharedModels;

/// <summary>Numbers against a libtorch fixture, within the parity tolerance (relative 1e-4, absolute floor 1e-6).</summary>
internal static class ParityAssert
{
    /// <summary>Fails naming the tick, the field, the index and both values when one of <paramref name="actual"/> is not
    /// within the tolerance of <paramref name="expected"/>.</summary>
    public static void Close(int tick, string field, ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            double error = ParityRunner.RelativeError(actual[k], expected[k]);
            Assert.True(error <= ParityRunner.RelativeTolerance, string.Format(CultureInfo.InvariantCulture,
                "tick {0}, {1}[{2}]: {3:R}, libtorch {4:R} (relative error {5:E2})", tick, field, k, actual[k], expected[k], error));
        }
    }
}
