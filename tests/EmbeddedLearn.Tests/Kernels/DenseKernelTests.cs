using CsCheck;
using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;
using Xunit;

namespace EmbeddedLearn.Tests.Kernels;

public class DenseKernelTests
{
    /// <summary>Every kernel path (a path this machine lacks runs as its fastest narrower one).</summary>
    public static readonly string[] Paths = ["Scalar", "Vector128", "Vector256", "Vector512"];

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        for (int seed = 0; seed < 40; seed++)
        {
            data.Add(seed, Paths[seed % Paths.Length]);
        }

        return data;
    }

    public static TheoryData<string, int, string> FixedLayouts()
    {
        var data = new TheoryData<string, int, string>();
        foreach (string vector in Paths)
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
    public void Forward_matches_double_reference(int seed, string vector) => CheckForward(new DenseCase(seed), vector);

    [Theory]
    [MemberData(nameof(FixedLayouts))]
    public void Forward_matches_double_reference_on_fixed_layouts(string key, int batch, string vector) =>
        CheckForward(Fixed(key, batch), vector);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_adds_double_reference_gradients(int seed, string vector) => CheckBackward(new DenseCase(seed), vector);

    [Theory]
    [MemberData(nameof(FixedLayouts))]
    public void Backward_adds_double_reference_gradients_on_fixed_layouts(string key, int batch, string vector) =>
        CheckBackward(Fixed(key, batch), vector);

    [Theory]
    [InlineData(3, "Vector512")]
    [InlineData(3, "Scalar")]
    [InlineData(11, "Vector256")]
    [InlineData(22, "Vector128")]
    public void Two_backward_passes_accumulate_twice_one_pass(int seed, string vector)
    {
        var c = new DenseCase(seed);
        (float[] act, _) = c.Forward(Enum.Parse<KernelPath>(vector));
        float[] dOut = KernelAssert.RandomFloats(c.Random, c.Batch * c.Layout.OutputWidth);
        var scratch = new float[DenseBackward.ScratchLength(c.Layout, c.Batch)];
        var once = new float[c.Layout.ParameterCount];
        var twice = new float[c.Layout.ParameterCount];
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, act, dOut, once, scratch, Enum.Parse<KernelPath>(vector));
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, act, dOut, twice, scratch, Enum.Parse<KernelPath>(vector));
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, act, dOut, twice, scratch, Enum.Parse<KernelPath>(vector));
        var expected = new double[once.Length];
        for (int k = 0; k < once.Length; k++)
        {
            expected[k] = 2.0 * once[k];
        }

        KernelAssert.Close(expected, twice, 1e-6, 0, "2x gradient");
    }

    public static TheoryData<string, int, string> BitwiseCases()
    {
        string[] layouts = ["8-32-32-2/tanh/4", "8-32-32-2/sigmoid/6", "8-32-32-2/relu/4", "8-32-32-2/leaky_relu/5",
            "9-16-2-4/relu/7", "5-48-1/sigmoid/4", "3-40-33-24-5/leaky_relu/9", "16-8-1/tanh/4", "7-17-9-3/sigmoid/8",
            "6-4-20-4/tanh/4", "2-64-2/tanh/1", "4-12-7/identity/3", "8-32-32-2/tanh/1", "5-12-2/tanh/5",
            "3-13-1/sigmoid/4", "4-21-2-2/leaky_relu/8", "5-24-16-8-2/tanh/6"];
        var data = new TheoryData<string, int, string>();
        foreach (string entry in layouts)
        {
            int cut = entry.LastIndexOf('/');
            foreach (string path in Paths[1..])
            {
                data.Add(entry[..cut], int.Parse(entry[(cut + 1)..], System.Globalization.CultureInfo.InvariantCulture), path);
            }
        }

        return data;
    }

    /// <summary>The point of the kernels' canonical order: every path gives the scalar reference's bits, forward and
    /// backward, so learning replays alike on every CPU.</summary>
    [Theory]
    [MemberData(nameof(BitwiseCases))]
    public void Every_path_equals_the_scalar_reference_bitwise(string key, int batch, string pathName)
    {
        KernelPath path = Enum.Parse<KernelPath>(pathName);
        DenseCase c = Fixed(key, batch);
        (float[] vectorAct, float[] v) = c.Forward(path);
        (float[] scalarAct, float[] s) = c.Forward(KernelPath.Scalar);
        KernelAssert.Bitwise(s, v, $"{c} {path} outputs");
        KernelAssert.Bitwise(scalarAct, vectorAct, $"{c} {path} activations");

        float[] dOut = KernelAssert.RandomFloats(c.Random, c.Batch * c.Layout.OutputWidth);
        float[] initial = KernelAssert.RandomFloats(c.Random, c.Layout.ParameterCount, 0.1);
        var scratch = new float[DenseBackward.ScratchLength(c.Layout, c.Batch)];
        float[] scalar = (float[])initial.Clone();
        float[] vector = (float[])initial.Clone();
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, scalarAct, dOut, scalar, scratch, KernelPath.Scalar);
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, scalarAct, dOut, vector, scratch, path);
        KernelAssert.Bitwise(scalar, vector, $"{c} {path} gradients");
    }

    /// <summary>The same on random layouts (one to three layers of widths 1-70, every activation) and batches 1-40, so
    /// that every tile's edges (rows left over after four, columns after 32, 16 and 8, masked lanes) meet the reference.</summary>
    [Fact]
    public void Every_path_equals_the_scalar_reference_bitwise_on_random_layouts()
    {
        Activation[] activations = [Activation.Identity, Activation.Relu, Activation.LeakyRelu, Activation.Tanh, Activation.Sigmoid];
        Gen.Int[0, int.MaxValue].Sample(seed =>
        {
            var random = new Random(seed);
            int[] widths = [.. Enumerable.Range(0, random.Next(2, 5)).Select(_ => random.Next(1, 71))];
            var c = new DenseCase(new ModelLayout(widths, activations[random.Next(activations.Length)]), random.Next(1, 41), seed);
            (float[] scalarAct, float[] s) = c.Forward(KernelPath.Scalar);
            float[] dOut = KernelAssert.RandomFloats(c.Random, c.Batch * c.Layout.OutputWidth);
            float[] initial = KernelAssert.RandomFloats(c.Random, c.Layout.ParameterCount, 0.1);
            var scratch = new float[DenseBackward.ScratchLength(c.Layout, c.Batch)];
            float[] scalar = (float[])initial.Clone();
            DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, scalarAct, dOut, scalar, scratch, KernelPath.Scalar);
            foreach (KernelPath path in (KernelPath[])[KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512])
            {
                (float[] vectorAct, float[] v) = c.Forward(path);
                KernelAssert.Bitwise(s, v, $"{c} {path} outputs");
                KernelAssert.Bitwise(scalarAct, vectorAct, $"{c} {path} activations");
                float[] vector = (float[])initial.Clone();
                DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, scalarAct, dOut, vector, scratch, path);
                KernelAssert.Bitwise(scalar, vector, $"{c} {path} gradients");
            }
        }, iter: 60);
    }

    private static void CheckForward(DenseCase c, string vector)
    {
        (float[] act, float[] outputs) = c.Forward(Enum.Parse<KernelPath>(vector));
        KernelAssert.Close(c.Reference[^1], outputs, what: $"{c} outputs");
        KernelAssert.Close(ReferenceMlp.Hidden(c.Reference), act, what: $"{c} activations");
    }

    private static void CheckBackward(DenseCase c, string vector)
    {
        (float[] act, _) = c.Forward(Enum.Parse<KernelPath>(vector));
        float[] dOut = KernelAssert.RandomFloats(c.Random, c.Batch * c.Layout.OutputWidth);
        float[] initial = KernelAssert.RandomFloats(c.Random, c.Layout.ParameterCount, 0.1);
        float[] gradients = (float[])initial.Clone();
        var scratch = new float[DenseBackward.ScratchLength(c.Layout, c.Batch)];
        DenseBackward.Run(c.Layout, c.Batch, c.Engine, c.Inputs, act, dOut, gradients, scratch, Enum.Parse<KernelPath>(vector));

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
