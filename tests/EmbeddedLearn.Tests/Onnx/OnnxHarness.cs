using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace EmbeddedLearn.Tests.Onnx;

/// <summary>Trains models with the default pipeline, runs the engine's own forward, and runs ONNX files in ONNX Runtime.</summary>
internal static class OnnxHarness
{
    public static readonly Activation[] Activations =
        [Activation.Identity, Activation.Relu, Activation.LeakyRelu, Activation.Tanh, Activation.Sigmoid];

    public static readonly int[][] Layouts = [[3, 8, 2], [2, 5, 4, 1], [8, 32, 32, 2]];

    /// <summary>Every (layout index, activation) pair.</summary>
    public static TheoryData<int, Activation> Cases()
    {
        var data = new TheoryData<int, Activation>();
        for (int l = 0; l < Layouts.Length; l++)
        {
            foreach (Activation a in Activations)
            {
                data.Add(l, a);
            }
        }

        return data;
    }

    /// <summary>Spawns a model of <paramref name="spec"/> and trains it (with every other model of the world) for
    /// <paramref name="ticks"/> ticks of the default pipeline on random samples, so its weights are no longer the init's.</summary>
    public static Entity SpawnTrained(World world, ModelSpec spec, ulong seed, int ticks = 5)
    {
        Entity entity = spec.Spawn(world, TrainingSettings.Adam(learningRate: 0.05f), seed);
        using TrainingPipeline pipeline = TrainingPipeline.CreateDefault();
        var random = new Random((int)seed);
        for (int t = 0; t < ticks; t++)
        {
            spec.WriteSamples(world, entity, Uniform(random, spec.Inputs.ElementCount, 1), Uniform(random, spec.Targets.ElementCount, 1));
            pipeline.Run(world);
        }

        return entity;
    }

    /// <summary>The engine's forward of <paramref name="entity"/> on <paramref name="inputs"/> (<c>[B, in]</c>): an
    /// inference pipeline's tick, then the outputs <c>[B, out]</c>.</summary>
    public static float[] Forward(World world, ModelSpec spec, Entity entity, float[] inputs)
    {
        spec.WriteInputs(world, entity, inputs);
        using TrainingPipeline inference = TrainingPipeline.CreateInference();
        inference.Run(world);
        return spec.ReadOutputs(world, entity).ToArray();
    }

    /// <summary>Runs <paramref name="model"/> (ONNX bytes) in ONNX Runtime on <paramref name="inputs"/> of shape
    /// <paramref name="shape"/>; returns the output's values and shape.</summary>
    public static (float[] Values, int[] Shape) Run(byte[] model, float[] inputs, int[] shape, string input = "input", string output = "output")
    {
        using var session = new InferenceSession(model);
        var tensor = new DenseTensor<float>(inputs, shape);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results =
            session.Run([NamedOnnxValue.CreateFromTensor(input, tensor)]);
        DisposableNamedOnnxValue result = Assert.Single(results);
        Assert.Equal(output, result.Name);
        Tensor<float> values = result.AsTensor<float>();
        return (values.ToArray(), values.Dimensions.ToArray());
    }

    /// <summary>Asserts <c>|actual - expected| &lt;= max(1e-5 |expected|, 1e-6)</c> for every element.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float bound = MathF.Max(1e-5f * MathF.Abs(expected[i]), 1e-6f);
            Assert.True(MathF.Abs(actual[i] - expected[i]) <= bound,
                $"{what}: element {i}: ONNX Runtime gives {actual[i]:R}, the engine {expected[i]:R} (difference {MathF.Abs(actual[i] - expected[i]):R}, bound {bound:R}).");
        }
    }

    /// <summary><paramref name="count"/> values uniform in [-scale, scale).</summary>
    public static float[] Uniform(Random random, int count, float scale)
    {
        float[] values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = ((random.NextSingle() * 2) - 1) * scale;
        }

        return values;
    }

    public static float[] Parameters(World world, ModelSpec spec, Entity entity)
    {
        float[] parameters = new float[spec.Layout.ParameterCount];
        spec.ExportParameters(world, entity, parameters);
        return parameters;
    }

    public static byte[] Export(World world, Entity entity)
    {
        using var stream = new MemoryStream();
        EmbeddedLearn.Onnx.OnnxModel.Export(world, entity, stream);
        return stream.ToArray();
    }

    public static void AssertBitwiseEqual(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"parameter {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
