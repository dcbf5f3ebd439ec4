using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;
using Xunit;

namespace EmbeddedLearn.Tests.Kernels;

/// <summary>Linear(1, 1), w = 0.5, b = 0.1, x = [1, 2, 3], t = [2, 4, 6], MSE mean, SGD lr 0.1.</summary>
public class SeedExampleTests
{
    [Theory]
    [InlineData("Scalar")]
    [InlineData("Vector128")]
    [InlineData("Vector256")]
    [InlineData("Vector512")]
    public void Seed_example_matches_pytorch(string pathName)
    {
        KernelPath vector = Enum.Parse<KernelPath>(pathName);
        var layout = ModelLayout.Parse("1,1", Activation.Identity);
        float[] p = [0.5f, 0.1f];
        float[] x = [1, 2, 3];
        float[] t = [2, 4, 6];
        var o = new float[3];
        var dOut = new float[3];
        var g = new float[2];
        var scratch = new float[DenseBackward.ScratchLength(layout, 3)];

        DenseForward.Run(layout, 3, p, x, [], o, vector);
        float loss = MseLoss.Run(o, t, LossReduction.Mean, dOut, []);
        DenseBackward.Run(layout, 3, p, x, [], dOut, g, scratch, vector);
        Assert.Equal(9.91f, loss, 5);
        Assert.Equal(-13.6f, g[0], 5);
        Assert.Equal(-5.8f, g[1], 5);

        SgdStep.Run(TrainingSettings.Sgd(0.1f), true, p, g, []);
        Assert.Equal(1.86f, p[0], 5);
        Assert.Equal(0.68f, p[1], 5);

        DenseForward.Run(layout, 3, p, x, [], o, vector);
        Assert.Equal(0.17306663f, MseLoss.Run(o, t, LossReduction.Mean, dOut, []), 6);
    }
}
