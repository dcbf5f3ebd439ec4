using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;
using Xunit;

namespace EmbeddedLearn.Tests.Kernels;

/// <summary>
/// The kernels behind the CPU executor's fusions give the bits of the work they fold together, on every path: a backward
/// pass that overwrites the gradients gives those of clearing them and adding (a -0 sum included), and the plain SGD step
/// that takes the guard's sum of squares in its own pass gives the norm and the step of the two apart, at every length.
/// In this namespace, so that they also run under each instruction-set switch and on ARM64.
/// </summary>
public sealed class FusedKernelTests
{
    public static TheoryData<string, int, string> Layouts()
    {
        var data = new TheoryData<string, int, string>();
        foreach (string path in DenseKernelTests.Paths)
        {
            data.Add("8-32-32-2/tanh", 4, path);
            data.Add("3-40-33-24-5/leaky_relu", 9, path);
            data.Add("9-16-2-4/relu", 7, path);
            data.Add("5-48-1/sigmoid", 4, path);
            data.Add("7-17-9-3/tanh", 1, path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Overwriting_gives_the_bits_of_clearing_then_adding(string key, int batch, string pathName)
    {
        KernelPath path = Enum.Parse<KernelPath>(pathName);
        string[] parts = key.Split('/');
        var c = new DenseCase(ModelLayout.Parse(parts[0], ActivationNames.Parse(parts[1])), batch, key.Length + batch);
        (float[] act, _) = c.Forward(path);
        float[] dOut = KernelAssert.RandomFloats(c.Random, c.Batch * c.Layout.OutputWidth);
        var scratch = new float[DenseBackward.ScratchLength(c.Layout, c.Batch)];

        float[] cleared = new float[c.Layout.ParameterCount];
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, act, dOut, cleared, scratch, path);
        float[] overwritten = KernelAssert.RandomFloats(c.Random, c.Layout.ParameterCount, 5.0); // stale values to ignore
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, act, dOut, overwritten, scratch, path, accumulate: false);

        KernelAssert.Bitwise(cleared, overwritten, $"{c} {path} gradients");
    }

    [Theory]
    [InlineData("Scalar")]
    [InlineData("Vector128")]
    [InlineData("Vector256")]
    [InlineData("Vector512")]
    public void A_negative_zero_sum_is_stored_as_positive_zero_as_zero_plus_it_is(string pathName)
    {
        KernelPath path = Enum.Parse<KernelPath>(pathName);
        var c = new DenseCase(ModelLayout.Parse("8-32-32-2", Activation.Tanh), 4, 7);
        (float[] act, _) = c.Forward(path);
        float[] dOut = Enumerable.Repeat(-0f, c.Batch * c.Layout.OutputWidth).ToArray();
        var scratch = new float[DenseBackward.ScratchLength(c.Layout, c.Batch)];
        float[] overwritten = Enumerable.Repeat(1f, c.Layout.ParameterCount).ToArray();
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, act, dOut, overwritten, scratch, path, accumulate: false);

        // The last layer's bias gradient sums -0 + -0 + ... = -0; cleared to +0 and added to, it is +0.
        int lastBias = c.Layout.BiasOffset(c.Layout.LayerCount - 1);
        Assert.Equal(0, BitConverter.SingleToInt32Bits(overwritten[lastBias]));
        Assert.All(overwritten, g => Assert.Equal(0, BitConverter.SingleToInt32Bits(g)));
    }

    [Fact]
    public void The_plain_sgd_step_with_the_norm_gives_the_norm_and_step_of_the_two_apart()
    {
        var random = new Random(4);
        TrainingSettings sgd = TrainingSettings.Sgd(0.03f);
        Assert.True(SgdStep.FusesNorm(sgd) || !System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated);
        foreach (int n in Enumerable.Range(0, 70).Append(1410).Append(1411))
        {
            float[] parameters = KernelAssert.RandomFloats(random, n, 2.0);
            float[] gradients = KernelAssert.RandomFloats(random, n, 50.0);
            if (n > 40)
            {
                gradients[n / 2] = -0f;
                gradients[n - 3] = 3e19f; // its square is beyond float, not double
            }

            double squares = GradientNorm.SumOfSquares(gradients);
            float[] apart = (float[])parameters.Clone();
            float[] apartBackup = new float[n];
            bool apartFinite = SgdStep.Run(sgd, firstStep: true, apart, gradients, [], apartBackup);
            if (!SgdStep.FusesNorm(sgd))
            {
                continue;
            }

            float[] fused = (float[])parameters.Clone();
            float[] fusedBackup = new float[n];
            bool fusedFinite = SgdStep.RunWithNorm(sgd, fused, gradients, fusedBackup, out double fusedSquares);

            Assert.Equal(BitConverter.DoubleToInt64Bits(squares), BitConverter.DoubleToInt64Bits(fusedSquares));
            Assert.Equal(apartFinite, fusedFinite);
            KernelAssert.Bitwise(apart, fused, $"n {n} parameters");
            KernelAssert.Bitwise(apartBackup, fusedBackup, $"n {n} backup");
        }
    }
}
