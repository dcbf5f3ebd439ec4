using EmbeddedLearn.Components;
using Xunit;

namespace EmbeddedLearn.Tests.Kernels;

/// <summary>Checks the double reference itself against central finite differences of a double loss.</summary>
public class ReferenceGradientTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(13)]
    public void Reference_gradients_match_central_differences(int seed)
    {
        var c = new DenseCase(seed);
        double[] p = KernelAssert.ToDouble(c.Torch);
        double[] x = KernelAssert.ToDouble(c.Inputs);
        double[] weights = KernelAssert.ToDouble(KernelAssert.RandomFloats(c.Random, c.Batch * c.Layout.OutputWidth));

        // L = sum_k weights[k] * output[k], so dL/do = weights.
        double Loss(double[] q)
        {
            double[] o = ReferenceMlp.Forward(c.Layout, c.Batch, q, x)[^1];
            double s = 0;
            for (int k = 0; k < o.Length; k++)
            {
                s += weights[k] * o[k];
            }

            return s;
        }

        double[] analytic = ReferenceMlp.Backward(c.Layout, c.Batch, p, x, ReferenceMlp.Forward(c.Layout, c.Batch, p, x), weights);
        const double h = 1e-6;
        for (int k = 0; k < p.Length; k++)
        {
            double keep = p[k];
            p[k] = keep + h;
            double up = Loss(p);
            p[k] = keep - h;
            double down = Loss(p);
            p[k] = keep;
            double numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[k]) <= 1e-5 + (1e-4 * Math.Abs(numeric)),
                $"{c} {c.Layout.HiddenActivation} parameter {k}: analytic {analytic[k]}, numeric {numeric}");
        }
    }

    [Fact]
    public void Activations_cover_every_kind() =>
        Assert.Equal(5, Enumerable.Range(0, 5).Select(s => new DenseCase(s).Layout.HiddenActivation).Distinct().Count());
}
