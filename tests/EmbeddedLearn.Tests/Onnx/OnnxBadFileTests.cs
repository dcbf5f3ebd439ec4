using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Onnx;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Onnx;

/// <summary>A file that is not of the supported form is refused with a message naming the file, the node and what is
/// wrong, and the world is left exactly as it was.</summary>
public sealed class OnnxBadFileTests : IDisposable
{
    private static readonly ModelLayout Layout = new([3, 8, 2], Activation.Tanh);
    private readonly string _folder = Directory.CreateTempSubdirectory("onnx-bad-").FullName;

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    /// <summary>Each case: the file's bytes and the problem the error states (after <c>ONNX file 'path': </c>).</summary>
    private static Dictionary<string, (Func<byte[]> Build, string Problem)> Cases { get; } = new()
    {
        ["empty"] = (() => [], "the file is empty"),
        ["truncated"] = (() => Truncated(), "the file is truncated or is not an ONNX model: its protobuf encoding cannot be read"),
        ["unsupported operator"] = (() => Model(
            [Gemm(0, "input", "h0"), Act("Relu", "h0", "a0"), Gemm(1, "a0", "logits"), Act("Softmax", "logits", "output")],
            Weights(0, 8, 3), Weights(1, 2, 8)),
            "node 3 (Softmax): operator Softmax is not supported; supported: Gemm, MatMul, Add, Tanh, Relu, LeakyRelu, Sigmoid, Identity"),
        ["weight shape"] = (() => Model([Gemm(0, "input", "h0"), Act("Tanh", "h0", "a0"), Gemm(1, "a0", "output")],
            Weights(0, 8, 4), Weights(1, 2, 8)),
            "node 0 (Gemm): weight 'layer0.weight' has shape [8, 4], so the layer takes 4 inputs, but the graph's input is 3 wide"),
        ["chained shapes"] = (() => Model([Gemm(0, "input", "h0"), Act("Tanh", "h0", "a0"), Gemm(1, "a0", "output")],
            Weights(0, 8, 3), Weights(1, 2, 7)),
            "node 2 (Gemm): weight 'layer1.weight' has shape [2, 7], so the layer takes 7 inputs, but the previous layer gives 8 wide"),
        ["bias shape"] = (() => Model([Gemm(0, "input", "h0"), Act("Tanh", "h0", "a0"), Gemm(1, "a0", "output")],
            [.. Weights(0, 8, 3)[..1], OnnxModelWriter.Tensor("layer0.bias", [7], new float[7]), .. Weights(1, 2, 8)]),
            "node 0 (Gemm): bias 'layer0.bias' has shape [7]; [out] = [8] is expected"),
        ["data length"] = (() => Model([Gemm(0, "input", "h0"), Act("Tanh", "h0", "a0"), Gemm(1, "a0", "output")],
            [OnnxModelWriter.Tensor("layer0.weight", [8, 3], new float[20]), .. Weights(0, 8, 3)[1..], .. Weights(1, 2, 8)]),
            "node 0 (Gemm): initializer 'layer0.weight' holds 20 values but its shape [8, 3] needs 24"),
        ["not finite"] = (() => Model([Gemm(0, "input", "h0"), Act("Tanh", "h0", "a0"), Gemm(1, "a0", "output")],
            [OnnxModelWriter.Tensor("layer0.weight", [8, 3], [0, 0, 0, 0, 0, float.NaN, .. new float[18]]), .. Weights(0, 8, 3)[1..], .. Weights(1, 2, 8)]),
            "node 0 (Gemm): initializer 'layer0.weight' element 5 is NaN; values must be finite"),
        ["leaky slope"] = (() => Model(
            [Gemm(0, "input", "h0"), OnnxModelWriter.Node("LeakyRelu", "lr", ["h0"], ["a0"], OnnxModelWriter.FloatAttribute("alpha", 0.2f)), Gemm(1, "a0", "output")],
            Weights(0, 8, 3), Weights(1, 2, 8)),
            "node 1 (LeakyRelu): alpha 0.2 is not supported; EmbeddedLearn's leaky_relu has slope 0.01"),
        ["output activation"] = (() => Model(
            [Gemm(0, "input", "h0"), Act("Tanh", "h0", "a0"), Gemm(1, "a0", "h1"), Act("Sigmoid", "h1", "output")],
            Weights(0, 8, 3), Weights(1, 2, 8)),
            "node 3 (Sigmoid): an activation after the last layer is not supported; the output layer of an EmbeddedLearn model is linear"),
        ["mixed activations"] = (() => Model(
            [Gemm(0, "input", "h0"), Act("Tanh", "h0", "a0"), Gemm(1, "a0", "h1"), Act("Relu", "h1", "a1"), Gemm(2, "a1", "output")],
            Weights(0, 8, 3), Weights(1, 8, 8), Weights(2, 2, 8)),
            "node 3 (Relu): hidden layer 1 uses relu but hidden layer 0 uses tanh; one activation for every hidden layer is supported"),
        ["branch"] = (() => Model([Gemm(0, "input", "h0"), Act("Tanh", "h0", "a0"), Gemm(1, "input", "output")],
            Weights(0, 8, 3), Weights(1, 2, 8)),
            "node 2 (Gemm): its input 'input' is not the previous node's output 'a0'; only a single chain of nodes is supported"),
        ["gemm transA"] = (() => Model(
            [OnnxModelWriter.Node("Gemm", "g", ["input", "layer0.weight", "layer0.bias"], ["output"], OnnxModelWriter.IntAttribute("transA", 1))],
            Weights(0, 2, 3)),
            "node 0 (Gemm): attribute transA = 1 is not supported; Gemm is read with alpha 1, beta 1, transA 0 and transB 0 or 1"),
        ["misplaced add"] = (() => Model([Gemm(0, "input", "h0"), OnnxModelWriter.Node("Add", "add", ["h0", "layer0.bias"], ["output"])],
            Weights(0, 2, 3)),
            "node 1 (Add): an Add is supported only as the bias of the MatMul (or Gemm without bias) just before it"),
        ["declared output"] = (() => Model([Gemm(0, "input", "h0"), Act("Tanh", "h0", "a0"), Gemm(1, "a0", "output")],
            [.. Weights(0, 8, 3), .. Weights(1, 2, 8)], outputWidth: 3),
            "output 'output' is declared [N, 3] but the layers take or give [N, 2]"),
    };

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void BadFileIsRefusedWithItsProblemAndTheWorldIsUnchanged(string name)
    {
        (Func<byte[]> build, string problem) = Cases[name];
        string path = Path.Combine(_folder, "bad.onnx");
        File.WriteAllBytes(path, build());
        using var world = new World();
        ModelSpec spec = ModelSpec.Get(Layout, 2);
        Entity entity = OnnxHarness.SpawnTrained(world, spec, 7);
        string before = ModelFingerprint.Of(world);
        int entities = world.Count;

        var ex = Assert.Throws<OnnxException>(() => OnnxModel.Import(path, world, entity));

        Assert.Equal("ONNX file '" + path + "': " + problem, ex.Message);
        Assert.Equal(path, ex.FilePath);
        Assert.Equal(before, ModelFingerprint.Of(world));
        Assert.Equal(entities, world.Count);
    }

    [Fact]
    public void LayoutOfAnotherEntityIsRefused()
    {
        using var world = new World();
        ModelSpec spec = ModelSpec.Get(Layout, 2);
        Entity source = OnnxHarness.SpawnTrained(world, spec, 8);
        string path = Path.Combine(_folder, "tanh.onnx");
        OnnxModel.Export(world, source, path);
        Entity target = ModelSpec.Get(new ModelLayout([3, 8, 2], Activation.Relu), 2).Spawn(world, TrainingSettings.Adam(), 9UL);
        string before = ModelFingerprint.Of(world);

        var ex = Assert.Throws<OnnxException>(() => OnnxModel.Import(path, world, target));

        Assert.Equal("ONNX file '" + path + "': the file's model is [3,8,2] tanh but " + target + " holds a model [3,8,2] relu. Nothing was imported.", ex.Message);
        Assert.Equal(before, ModelFingerprint.Of(world));
    }

    [Fact]
    public void MissingFileIsAnOnnxException()
    {
        string path = Path.Combine(_folder, "missing.onnx");
        var ex = Assert.Throws<OnnxException>(() => OnnxModel.Import(path));
        Assert.StartsWith("ONNX file '" + path + "': the file cannot be read (", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportToAnUnwritableFolderIsAnOnnxException()
    {
        using var world = new World();
        Entity entity = ModelSpec.Get(Layout, 2).Spawn(world, TrainingSettings.Adam(), 1UL);
        string path = Path.Combine(_folder, "no-such-folder", "m.onnx");
        var ex = Assert.Throws<OnnxException>(() => OnnxModel.Export(world, entity, path));
        Assert.StartsWith("ONNX file '" + path + "': writing failed (", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("); the previous file is unchanged", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Truncated()
    {
        using var world = new World();
        ModelSpec spec = ModelSpec.Get(Layout, 2);
        byte[] whole = OnnxHarness.Export(world, spec.Spawn(world, TrainingSettings.Adam(), 3UL));
        return whole[..(whole.Length / 2)];
    }

    private static ProtoMessage Gemm(int layer, string input, string output) => OnnxModelWriter.Node("Gemm", "gemm" + layer,
        [input, "layer" + layer + ".weight", "layer" + layer + ".bias"], [output], OnnxModelWriter.IntAttribute("transB", 1));

    private static ProtoMessage Act(string op, string input, string output) => OnnxModelWriter.Node(op, op, [input], [output]);

    /// <summary>Weight <c>[out, in]</c> and bias <c>[out]</c> of layer <paramref name="layer"/>, small values.</summary>
    private static ProtoMessage[] Weights(int layer, int outW, int inW) =>
    [
        OnnxModelWriter.Tensor("layer" + layer + ".weight", [outW, inW], OnnxHarness.Uniform(new Random(layer), outW * inW, 0.5f)),
        OnnxModelWriter.Tensor("layer" + layer + ".bias", [outW], OnnxHarness.Uniform(new Random(layer + 100), outW, 0.5f)),
    ];

    private static byte[] Model(ProtoMessage[] nodes, params ProtoMessage[][] initializers) =>
        Model(nodes, [.. initializers.SelectMany(i => i)]);

    private static byte[] Model(ProtoMessage[] nodes, ProtoMessage[] initializers, int outputWidth = 2)
    {
        var graph = new ProtoMessage();
        foreach (ProtoMessage node in nodes)
        {
            graph.Message(OnnxField.GraphNode, node);
        }

        foreach (ProtoMessage tensor in initializers)
        {
            graph.Message(OnnxField.GraphInitializer, tensor);
        }

        graph.Message(OnnxField.GraphInput, OnnxModelWriter.ValueInfo("input", ["N", "3"]))
            .Message(OnnxField.GraphOutput, OnnxModelWriter.ValueInfo("output", ["N", outputWidth.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
        return OnnxImportTests.Bytes(OnnxModelWriter.Model(graph, "bad", layout: null, models: 1));
    }
}
