using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Onnx;
using EmbeddedLearn.Training;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace EmbeddedLearn.Tests.Onnx;

/// <summary>An exported file run in ONNX Runtime gives what the engine's own forward gives, for every activation and
/// several layouts, on batches of several rows (and on a batch size the engine's spec does not have: N is symbolic).</summary>
public sealed class OnnxRuntimeParityTests
{
    private const int Batch = 5;

    public static TheoryData<int, Activation> Cases => OnnxHarness.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ExportedModelMatchesTheEngineInOnnxRuntime(int layoutIndex, Activation activation)
    {
        var layout = new ModelLayout(OnnxHarness.Layouts[layoutIndex], activation);
        ModelSpec spec = ModelSpec.Get(layout, Batch);
        using var world = new World();
        Entity entity = OnnxHarness.SpawnTrained(world, spec, seed: (ulong)(11 + layoutIndex));
        var random = new Random(3 + layoutIndex);
        float[] first = OnnxHarness.Uniform(random, Batch * layout.InputWidth, 2);
        float[] second = OnnxHarness.Uniform(random, Batch * layout.InputWidth, 2);
        float[] expectedFirst = OnnxHarness.Forward(world, spec, entity, first);
        float[] expectedSecond = OnnxHarness.Forward(world, spec, entity, second);
        byte[] model = OnnxHarness.Export(world, entity);

        (float[] values, int[] shape) = OnnxHarness.Run(model, first, [Batch, layout.InputWidth]);
        Assert.Equal([Batch, layout.OutputWidth], shape);
        OnnxHarness.AssertClose(expectedFirst, values, layout + ", batch of " + Batch);

        // Both batches in one run of 2B rows.
        (float[] both, int[] bothShape) = OnnxHarness.Run(model, [.. first, .. second], [2 * Batch, layout.InputWidth]);
        Assert.Equal([2 * Batch, layout.OutputWidth], bothShape);
        OnnxHarness.AssertClose([.. expectedFirst, .. expectedSecond], both, layout + ", batch of " + (2 * Batch));
    }

    [Fact]
    public void FileDeclaresOpsetNamesShapesAndMetadata()
    {
        var layout = new ModelLayout([3, 8, 2], Activation.LeakyRelu);
        ModelSpec spec = ModelSpec.Get(layout, Batch);
        using var world = new World();
        Entity entity = spec.Spawn(world, TrainingSettings.Sgd(learningRate: 0.1f), 5UL);
        byte[] bytes = OnnxHarness.Export(world, entity);
        var proto = OnnxModelProto.Parse(bytes);
        Assert.Equal(8, proto.IrVersion);
        Assert.Equal([(string.Empty, 15L)], proto.Opsets);
        Assert.Equal(["Gemm", "LeakyRelu", "Gemm"], proto.Graph!.Nodes.Select(n => n.OpType));
        Assert.Equal(["layer0.weight", "layer0.bias", "layer1.weight", "layer1.bias"], proto.Graph.Initializers.Select(t => t.Name));
        Assert.Equal([[8L, 3L], [8L], [2L, 8L], [2L]], proto.Graph.Initializers.Select(t => t.Dims.ToArray()));
        using var session = new InferenceSession(bytes);

        NodeMetadata input = session.InputMetadata["input"];
        Assert.Equal([-1, 3], input.Dimensions);
        Assert.Equal("N", input.SymbolicDimensions[0]);
        Assert.Equal(typeof(float), input.ElementType);
        NodeMetadata output = session.OutputMetadata["output"];
        Assert.Equal([-1, 2], output.Dimensions);
        Assert.Equal("N", output.SymbolicDimensions[0]);
        Assert.Single(session.InputMetadata);
        Assert.Single(session.OutputMetadata);

        ModelMetadata metadata = session.ModelMetadata;
        Assert.Equal("EmbeddedLearn", metadata.ProducerName);
        Assert.Equal(
            "EmbeddedLearn MLP [3,8,2] leaky_relu: Linear(3, 8), LeakyReLU(0.01), Linear(8, 2); each layer y = x W^T + b; "
            + "input 'input' float32 [N, 3], output 'output' float32 [N, 2].",
            metadata.Description);
        Assert.Equal("3,8,2", metadata.CustomMetadataMap["embeddedlearn.layout"]);
        Assert.Equal("leaky_relu", metadata.CustomMetadataMap["embeddedlearn.hidden_activation"]);
        Assert.Equal("1", metadata.CustomMetadataMap["embeddedlearn.models"]);
    }

    [Fact]
    public void StackedExportRunsEveryModelOnItsOwnRows()
    {
        var layout = new ModelLayout([4, 16, 16, 2], Activation.Tanh);
        ModelSpec spec = ModelSpec.Get(layout, Batch);
        ModelSpec other = ModelSpec.Get(layout, Batch + 1); // same layout, another batch: it stacks too
        using var world = new World();
        Entity[] entities =
        [
            OnnxHarness.SpawnTrained(world, spec, 21), OnnxHarness.SpawnTrained(world, other, 22), OnnxHarness.SpawnTrained(world, spec, 23),
        ];
        var random = new Random(9);
        float[] inputs = OnnxHarness.Uniform(random, entities.Length * Batch * layout.InputWidth, 2);
        var expected = new List<float>();
        for (int k = 0; k < entities.Length; k++)
        {
            ModelSpec s = ModelSpec.Find(world.GetArchetype(entities[k]))!;
            float[] rows = new float[s.Batch * layout.InputWidth];
            inputs.AsSpan(k * Batch * layout.InputWidth, Batch * layout.InputWidth).CopyTo(rows);
            expected.AddRange(OnnxHarness.Forward(world, s, entities[k], rows).AsSpan(0, Batch * layout.OutputWidth).ToArray());
        }

        using var stream = new MemoryStream();
        OnnxModel.ExportStacked(world, entities, stream);
        (float[] values, int[] shape) = OnnxHarness.Run(stream.ToArray(), inputs, [entities.Length, Batch, layout.InputWidth]);

        Assert.Equal([entities.Length, Batch, layout.OutputWidth], shape);
        OnnxHarness.AssertClose([.. expected], values, "stack of 3");
    }

    [Fact]
    public void StackedExportRefusesMixedLayouts()
    {
        using var world = new World();
        Entity a = ModelSpec.Get(new ModelLayout([3, 8, 2], Activation.Tanh), 2).Spawn(world, TrainingSettings.Sgd(0.1f), 1UL);
        Entity b = ModelSpec.Get(new ModelLayout([3, 8, 2], Activation.Relu), 2).Spawn(world, TrainingSettings.Sgd(0.1f), 2UL);

        var ex = Assert.Throws<ArgumentException>(() => OnnxModel.ExportStacked(world, [a, b], new MemoryStream()));
        Assert.StartsWith("Entity 1 (" + b + ", position 1) has layout [3,8,2] relu, but the first entity's is [3,8,2] tanh; a stack holds models of one layout.", ex.Message, StringComparison.Ordinal);
    }
}
