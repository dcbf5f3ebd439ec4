using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;
using Xunit;

namespace EmbeddedLearn.Tests.Kernels;

public class MseLossTests
{
    [Theory]
    [InlineData(LossReduction.Mean, 1)]
    [InlineData(LossReduction.Mean, 8)]
    [InlineData(LossReduction.Mean, 37)]
    [InlineData(LossReduction.Sum, 8)]
    [InlineData(LossReduction.Sum, 19)]
    [InlineData(LossReduction.None, 8)]
    [InlineData(LossReduction.None, 23)]
    public void Loss_and_gradient_match_double_reference(LossReduction reduction, int n)
    {
        var random = new Random(n);
        float[] o = KernelAssert.RandomFloats(random, n, 3);
        float[] t = KernelAssert.RandomFloats(random, n, 3);
        var grad = new float[n];
        float[] element = reduction == LossReduction.None ? new float[n] : [];
        float loss = MseLoss.Run(o, t, reduction, grad, element);

        var expectedGrad = new double[n];
        var expectedElement = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++)
        {
            double d = (double)o[k] - t[k];
            sum += d * d;
            expectedElement[k] = d * d;
            expectedGrad[k] = reduction == LossReduction.Mean ? 2 * d / n : 2 * d;
        }

        double expectedLoss = reduction == LossReduction.Mean ? sum / n : sum;
        KernelAssert.Close([expectedLoss], [loss], what: "loss");
        KernelAssert.Close(expectedGrad, grad, what: "dL/do");
        if (reduction == LossReduction.None)
        {
            KernelAssert.Close(expectedElement, element, what: "element loss");
        }
    }
}
