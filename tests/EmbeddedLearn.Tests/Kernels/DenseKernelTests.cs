using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;
using Xunit;

namespace EmbeddedLearn.Tests.Kernels;

public class DenseKernelTests
{
    public static TheoryData<int, bool> Cases()
    {
        var data = new TheoryData<int, bool>();
        for (int seed = 0; seed < 40; seed++)
        {
            data.Add(seed, true);
            data.Add(seed, false);
        }

        return data;
    }

    public static TheoryData<string, int, bool> FixedLayouts()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (bool vector in new[] { true, false })
        {
            data.Add("8-32-32-2/tanh", 4, vector);
            data.Add("1-1/identity", 3, vector);
            data.Add("16-8-1/relu", 5, vector);
            data.Add("7-17-9-3/sigmoid", 8, vector);
            data.Add("3-40-33-24-5/leaky_relu", 9, vector);
            data.Add("2-64-2/tanh", 1, vector);
            data.Add("6-4-20-4/tanh", 4, vector);
            data.Add("9-16-2-4/relu", 7, vector);
            data.Add("5-48-1/sigmoid", 4, vector);
        }

        return data;
    }

    private static DenseCase Fixed(string key, int batch)
    {
        string[] parts = key.Split('/');
        return new DenseCase(ModelLayout.Parse(parts[0], ActivationNames.Parse(parts[1])), batch, key.Length + batch);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_double_reference(int seed, bool vector) => CheckForward(new DenseCase(seed), vector);

    [Theory]
    [MemberData(nameof(FixedLayouts))]
    public void Forward_matches_double_reference_on_fixed_layouts(string key, int batch, bool vector) =>
        CheckForward(Fixed(key, batch), vector);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_adds_double_reference_gradients(int seed, bool vector) => CheckBackward(new DenseCase(seed), vector);

    [Theory]
    [MemberData(nameof(FixedLayouts))]
    public void Backward_adds_double_reference_gradients_on_fixed_layouts(string key, int batch, bool vector) =>
        CheckBackward(Fixed(key, batch), vector);

    [Theory]
    [InlineData(3, true)]
    [InlineData(3, false)]
    [InlineData(11, true)]
    [InlineData(22, true)]
    public void Two_backward_passes_accumulate_twice_one_pass(int seed, bool vector)
    {
        var c = new DenseCase(seed);
        (float[] act, _) = c.Forward(vector);
        float[] dOut = KernelAssert.RandomFloats(c.Random, c.Batch * c.Layout.OutputWidth);
        var scratch = new float[DenseBackward.ScratchLength(c.Layout, c.Batch)];
        var once = new float[c.Layout.ParameterCount];
        var twice = new float[c.Layout.ParameterCount];
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, act, dOut, once, scratch, vector);
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, act, dOut, twice, scratch, vector);
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, act, dOut, twice, scratch, vector);
        var expected = new double[once.Length];
        for (int k = 0; k < once.Length; k++)
        {
            expected[k] = 2.0 * once[k];
        }

        KernelAssert.Close(expected, twice, 1e-6, 0, "2x gradient");
    }

    [Theory]
    [InlineData("8-32-32-2/tanh", 4)]
    [InlineData("8-32-32-2/sigmoid", 6)]
    [InlineData("9-16-2-4/relu", 7)]
    [InlineData("5-48-1/sigmoid", 4)]
    [InlineData("3-40-33-24-5/leaky_relu", 9)]
    [InlineData("16-8-1/tanh", 4)]
    public void Vector_and_scalar_paths_agree_within_rounding(string key, int batch)
    {
        DenseCase c = Fixed(key, batch);
        (float[] vectorAct, float[] v) = c.Forward(true);
        (float[] scalarAct, float[] s) = c.Forward(false);
        KernelAssert.Close(KernelAssert.ToDouble(s), v, 1e-5, 1e-6, $"{c} outputs");
        KernelAssert.Close(KernelAssert.ToDouble(scalarAct), vectorAct, 1e-5, 1e-6, $"{c} activations");

        float[] dOut = KernelAssert.RandomFloats(c.Random, c.Batch * c.Layout.OutputWidth);
        var scratch = new float[DenseBackward.ScratchLength(c.Layout, c.Batch)];
        var scalar = new float[c.Layout.ParameterCount];
        var vector = new float[c.Layout.ParameterCount];
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, scalarAct, dOut, scalar, scratch, false);
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, scalarAct, dOut, vector, scratch, true);
        KernelAssert.Close(KernelAssert.ToDouble(scalar), vector, 1e-5, 1e-6, $"{c} gradients");
    }

    private static void CheckForward(DenseCase c, bool vector)
    {
        (float[] act, float[] outputs) = c.Forward(vector);
        KernelAssert.Close(c.Reference[^1], outputs, what: $"{c} outputs");
        KernelAssert.Close(ReferenceMlp.Hidden(c.Reference), act, what: $"{c} activations");
    }

    private static void CheckBackward(DenseCase c, bool vector)
    {
        (float[] act, _) = c.Forward(vector);
        float[] dOut = KernelAssert.RandomFloats(c.Random, c.Batch * c.Layout.OutputWidth);
        float[] initial = KernelAssert.RandomFloats(c.Random, c.Layout.ParameterCount, 0.1);
        float[] gradients = (float[])initial.Clone();
        var scratch = new float[DenseBackward.ScratchLength(c.Layout, c.Batch)];
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, act, dOut, gradients, scratch, vector);

        double[] reference = ReferenceMlp.Backward(c.Layout, c.Batch, KernelAssert.ToDouble(c.Torch),
            KernelAssert.ToDouble(c.Inputs), c.Reference, KernelAssert.ToDouble(dOut));
        var initialTorch = new float[initial.Length];
        ParameterOrder.ExportTorch(c.Layout, initial, initialTorch);
        for (int k = 0; k < reference.Length; k++)
        {
            reference[k] += initialTorch[k];
        }

        var torchGradients = new float[gradients.Length];
        ParameterOrder.ExportTorch(c.Layout, gradients, torchGradients);
        KernelAssert.Close(reference, torchGradients, what: $"{c} gradients");
    }
}
