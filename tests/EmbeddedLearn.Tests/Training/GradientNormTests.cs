using EmbeddedLearn.Training.Cpu;
using EmbeddedLearn.Training.Stages;
using Xunit;

namespace EmbeddedLearn.Tests.Training;

/// <summary>The guard's gradient norm, vector-summed in double, against a serial double reference.</summary>
public class GradientNormTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(1410)]
    public void The_norm_matches_a_serial_double_sum(int length)
    {
        var random = new Random(length);
        float[] g = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 6)))).ToArray();
        double expected = Math.Sqrt(g.Sum(v => (double)v * v));

        double actual = GuardStage.Norm(g);

        Assert.True(Math.Abs(actual - expected) <= 1e-14 * expected, $"length {length}: {actual:R}, expected {expected:R}");
        Assert.Equal((float)expected, (float)actual); // the float the guard records and clips with
    }

    /// <summary>The canonical order: every vector path gives the scalar code's bits.</summary>
    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(100)]
    [InlineData(1410)]
    [InlineData(4133)]
    public void Every_path_gives_the_same_bits(int length)
    {
        var random = new Random(length + 1);
        float[] g = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 6)))).ToArray();
        double scalar = GradientNorm.SumOfSquares(g, KernelPath.Scalar);
        Assert.Equal(BitConverter.DoubleToInt64Bits(scalar), BitConverter.DoubleToInt64Bits(GradientNorm.SumOfSquares(g, KernelPath.Vector128)));
        Assert.Equal(BitConverter.DoubleToInt64Bits(scalar), BitConverter.DoubleToInt64Bits(GradientNorm.SumOfSquares(g, KernelPath.Vector256)));
        Assert.Equal(BitConverter.DoubleToInt64Bits(scalar), BitConverter.DoubleToInt64Bits(GradientNorm.SumOfSquares(g, KernelPath.Vector512)));
        Assert.Equal(BitConverter.DoubleToInt64Bits(Math.Sqrt(scalar)), BitConverter.DoubleToInt64Bits(GuardStage.Norm(g)));
    }

    [Fact]
    public void Squares_beyond_float_range_stay_finite_and_non_finite_values_give_a_non_finite_norm()
    {
        float[] g = new float[100];
        g[3] = 3e19f; // its square overflows a float, not a double
        g[70] = 4e19f;
        double expected = Math.Sqrt(((double)g[3] * g[3]) + ((double)g[70] * g[70])); // about 5e19
        Assert.True(Math.Abs(GuardStage.Norm(g) - expected) <= 1e-14 * expected);

        g[99] = float.NaN;
        Assert.True(double.IsNaN(GuardStage.Norm(g)));
        g[99] = float.PositiveInfinity;
        Assert.True(double.IsPositiveInfinity(GuardStage.Norm(g)));
        g[5] = float.NegativeInfinity; // inf and -inf: the squares are both +inf
        Assert.True(double.IsPositiveInfinity(GuardStage.Norm(g)));
    }
}
