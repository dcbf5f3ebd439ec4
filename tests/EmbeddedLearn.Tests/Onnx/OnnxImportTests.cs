using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Onnx;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Onnx;

/// <summary>Export then import gives the same parameters bit for bit, for every activation and several layouts; a
/// stack reads back as its models; a PyTorch-style MatMul + Add graph imports and runs as ONNX Runtime runs it.</summary>
public sealed class OnnxImportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("onnx-import-").FullName;

    public static TheoryData<int, Activation> Cases => OnnxHarness.Cases();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(Cases))]
    public void RoundTripIntoAFreshEntityIsBitwiseEqual(int layoutIndex, Activation activation)
    {
        var layout = new ModelLayout(OnnxHarness.Layouts[layoutIndex], activation);
        ModelSpec spec = ModelSpec.Get(layout, 3);
        using var world = new World();
        Entity trained = OnnxHarness.SpawnTrained(world, spec, seed: 40);
        string path = Path.Combine(_folder, "model.onnx");
        OnnxModel.Export(world, trained, path);
        Entity fresh = spec.Spawn(world, TrainingSettings.Sgd(learningRate: 0.01f), 99UL);
        float[] expected = OnnxHarness.Parameters(world, spec, trained);
        Assert.NotEqual(expected, OnnxHarness.Parameters(world, spec, fresh));

        OnnxNetwork network = OnnxModel.Import(path, world, fresh);

        Assert.Equal(layout, network.Layout);
        Assert.Equal(1, network.ModelCount);
        OnnxHarness.AssertBitwiseEqual(expected, OnnxHarness.Parameters(world, spec, fresh));
        OnnxHarness.AssertBitwiseEqual(expected, network.GetParameters(0).ToArray());
    }

    [Fact]
    public void ImportedNetworkSpawnsAModelThatComputesTheSame()
    {
        var layout = new ModelLayout([2, 5, 4, 1], Activation.Sigmoid);
        ModelSpec spec = ModelSpec.Get(layout, 4);
        using var world = new World();
        Entity trained = OnnxHarness.SpawnTrained(world, spec, seed: 41);
        string path = Path.Combine(_folder, "spawn.onnx");
        OnnxModel.Export(world, trained, path);

        OnnxNetwork network = OnnxModel.Import(path);
        Entity spawned = ModelSpec.Get(network.Layout, 4).Spawn(world, TrainingSettings.Adam(), network.GetParameters());

        float[] inputs = OnnxHarness.Uniform(new Random(1), 4 * 2, 1);
        Assert.Equal(OnnxHarness.Forward(world, spec, trained, inputs), OnnxHarness.Forward(world, spec, spawned, inputs));
    }

    [Fact]
    public void StackedFileReadsBackAsItsModels()
    {
        var layout = new ModelLayout([3, 8, 2], Activation.Relu);
        ModelSpec spec = ModelSpec.Get(layout, 2);
        using var world = new World();
        Entity[] entities = [OnnxHarness.SpawnTrained(world, spec, 50), OnnxHarness.SpawnTrained(world, spec, 51)];
        string path = Path.Combine(_folder, "stack.onnx");
        OnnxModel.ExportStacked(world, entities, path);

        OnnxNetwork network = OnnxModel.Import(path);

        Assert.Equal(layout, network.Layout);
        Assert.Equal(2, network.ModelCount);
        for (int k = 0; k < entities.Length; k++)
        {
            OnnxHarness.AssertBitwiseEqual(OnnxHarness.Parameters(world, spec, entities[k]), network.GetParameters(k).ToArray());
        }

        Entity target = spec.Spawn(world, TrainingSettings.Adam(), 3UL);
        var ex = Assert.Throws<OnnxException>(() => OnnxModel.Import(path, world, target));
        Assert.Equal("ONNX file '" + path + "': the file holds a stack of 2 models; read it with OnnxModel.Import(path) and import each with "
            + "ModelSpec.ImportParameters. Nothing was imported.", ex.Message);
    }

    [Fact]
    public void MatMulAddGraphAsPyTorchWritesItImports()
    {
        // x [N, 3] -> MatMul(W0 [3, 4]) -> Add(b0 [4]) -> Tanh -> Identity -> MatMul(W1 [4, 2]) -> Add(b1 [1, 2]) -> y
        float[] w0 = OnnxHarness.Uniform(new Random(2), 12, 1), b0 = OnnxHarness.Uniform(new Random(3), 4, 1);
        float[] w1 = OnnxHarness.Uniform(new Random(4), 8, 1), b1 = OnnxHarness.Uniform(new Random(5), 2, 1);
        var graph = new ProtoMessage()
            .Message(OnnxField.GraphNode, OnnxModelWriter.Node("MatMul", "m0", ["x", "W0"], ["h0"]))
            .Message(OnnxField.GraphNode, OnnxModelWriter.Node("Add", "a0", ["b0", "h0"], ["z0"]))
            .Message(OnnxField.GraphNode, OnnxModelWriter.Node("Tanh", "t0", ["z0"], ["t0"]))
            .Message(OnnxField.GraphNode, OnnxModelWriter.Node("Identity", "i0", ["t0"], ["i0"]))
            .Message(OnnxField.GraphNode, OnnxModelWriter.Node("MatMul", "m1", ["i0", "W1"], ["h1"]))
            .Message(OnnxField.GraphNode, OnnxModelWriter.Node("Add", "a1", ["h1", "b1"], ["y"]))
            .Message(OnnxField.GraphInitializer, OnnxModelWriter.Tensor("W0", [3, 4], w0))
            .Message(OnnxField.GraphInitializer, OnnxModelWriter.Tensor("b0", [4], b0))
            .Message(OnnxField.GraphInitializer, OnnxModelWriter.Tensor("W1", [4, 2], w1))
            .Message(OnnxField.GraphInitializer, OnnxModelWriter.Tensor("b1", [1, 2], b1))
            .Message(OnnxField.GraphInput, OnnxModelWriter.ValueInfo("x", ["batch", "3"]))
            .Message(OnnxField.GraphOutput, OnnxModelWriter.ValueInfo("y", ["batch", "2"]));
        byte[] bytes = Bytes(OnnxModelWriter.Model(graph, "hand-written", layout: null, models: 1));

        OnnxNetwork network = OnnxModel.Import(new MemoryStream(bytes), "pytorch-style.onnx");

        Assert.Equal(new ModelLayout([3, 4, 2], Activation.Tanh), network.Layout);
        Assert.Equal(w0[1 * 4], network.GetParameters()[1]); // torch W0[0, 1] = ONNX W0[1, 0]
        ModelSpec spec = ModelSpec.Get(network.Layout, 3);
        using var world = new World();
        Entity entity = spec.Spawn(world, TrainingSettings.Adam(), network.GetParameters());
        float[] inputs = OnnxHarness.Uniform(new Random(6), 9, 2);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(bytes);
        var tensor = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(inputs, [3, 3]);
        using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("x", tensor)]);
        OnnxHarness.AssertClose(OnnxHarness.Forward(world, spec, entity, inputs), results[0].AsTensor<float>().ToArray(), "MatMul + Add");
    }

    [Fact]
    public void GemmWithoutTransposeAndASeparateBiasImports()
    {
        // x [N, 2] -> Gemm(W0 [2, 3], transB 0) -> Add(b0 [3]) -> Relu -> Gemm(W1 [3, 1], b1 [1], transB 0) -> y
        float[] w0 = OnnxHarness.Uniform(new Random(7), 6, 1), b0 = OnnxHarness.Uniform(new Random(8), 3, 1);
        float[] w1 = OnnxHarness.Uniform(new Random(9), 3, 1), b1 = [0.25f];
        var graph = new ProtoMessage()
            .Message(OnnxField.GraphNode, OnnxModelWriter.Node("Gemm", "g0", ["x", "W0"], ["h0"], OnnxModelWriter.IntAttribute("transB", 0)))
            .Message(OnnxField.GraphNode, OnnxModelWriter.Node("Add", "a0", ["h0", "b0"], ["z0"]))
            .Message(OnnxField.GraphNode, OnnxModelWriter.Node("Relu", "r0", ["z0"], ["r0"]))
            .Message(OnnxField.GraphNode, OnnxModelWriter.Node("Gemm", "g1", ["r0", "W1", "b1"], ["y"],
                OnnxModelWriter.FloatAttribute("alpha", 1f), OnnxModelWriter.FloatAttribute("beta", 1f)))
            .Message(OnnxField.GraphInitializer, OnnxModelWriter.Tensor("W0", [2, 3], w0))
            .Message(OnnxField.GraphInitializer, OnnxModelWriter.Tensor("b0", [3], b0))
            .Message(OnnxField.GraphInitializer, OnnxModelWriter.Tensor("W1", [3, 1], w1))
            .Message(OnnxField.GraphInitializer, OnnxModelWriter.Tensor("b1", [1], b1))
            .Message(OnnxField.GraphInput, OnnxModelWriter.ValueInfo("x", ["N", "2"]))
            .Message(OnnxField.GraphOutput, OnnxModelWriter.ValueInfo("y", ["N", "1"]));
        byte[] bytes = Bytes(OnnxModelWriter.Model(graph, "hand-written", layout: null, models: 1));

        OnnxNetwork network = OnnxModel.Import(new MemoryStream(bytes), "gemm.onnx");

        Assert.Equal(new ModelLayout([2, 3, 1], Activation.Relu), network.Layout);
        ModelSpec spec = ModelSpec.Get(network.Layout, 4);
        using var world = new World();
        Entity entity = spec.Spawn(world, TrainingSettings.Adam(), network.GetParameters());
        float[] inputs = OnnxHarness.Uniform(new Random(10), 8, 2);
        (float[] values, _) = OnnxHarness.Run(bytes, inputs, [4, 2], "x", "y");
        OnnxHarness.AssertClose(OnnxHarness.Forward(world, spec, entity, inputs), values, "Gemm transB 0 + Add");
    }

    internal static byte[] Bytes(ProtoMessage model)
    {
        using var stream = new MemoryStream();
        model.WriteTo(stream);
        return stream.ToArray();
    }
}
