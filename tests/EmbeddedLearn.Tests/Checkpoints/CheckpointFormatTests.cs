using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Cpu;
using Xunit;

namespace EmbeddedLearn.Tests.Checkpoints;

/// <summary>The file is a valid safetensors file whose tensors carry PyTorch's names, orders and shapes.</summary>
public sealed class CheckpointFormatTests
{
    [Fact]
    public void The_file_follows_the_safetensors_rules_and_holds_pytorch_ordered_tensors_stacked_over_entities()
    {
        using var folder = new TempFolder();
        using var world = new World();
        ModelSpec spec = ModelSpec.Get(new ModelLayout([3, 4, 2], Activation.Tanh), 2);
        Entity[] adam = [spec.Spawn(world, TrainingSettings.Adam(0.01f), seed: 1), spec.Spawn(world, TrainingSettings.Adam(0.02f), seed: 2)];
        using (TrainingPipeline pipeline = TrainingPipeline.CreateDefault(new PipelineOptions { Threads = 1 }))
        {
            for (int t = 0; t < 3; t++)
            {
                foreach (Entity e in adam)
                {
                    spec.WriteSamples(world, e, [0.1f * t, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f * e.Id], [0.3f, -0.2f, 0.1f, 0.7f]);
                }

                pipeline.Run(world);
            }
        }

        Checkpoint.Save(world, folder.File("m.safetensors"));
        var (tensors, metadata, data) = SafetensorsRules.Read(File.ReadAllBytes(folder.File("m.safetensors")));

        string[] names =
        [
            "model0.layer0.weight", "model0.layer0.bias", "model0.layer1.weight", "model0.layer1.bias",
            "model0.layer0.weight.grad", "model0.layer0.bias.grad", "model0.layer1.weight.grad", "model0.layer1.bias.grad",
            "model0.layer0.weight.exp_avg", "model0.layer0.bias.exp_avg", "model0.layer1.weight.exp_avg", "model0.layer1.bias.exp_avg",
            "model0.layer0.weight.exp_avg_sq", "model0.layer0.bias.exp_avg_sq", "model0.layer1.weight.exp_avg_sq",
            "model0.layer1.bias.exp_avg_sq", "model0.state", "model0.settings",
        ];
        Assert.Equal(names.Order(), tensors.Keys.Order());
        AssertTensor(tensors, "model0.layer0.weight", "F32", [2, 4, 3]);
        AssertTensor(tensors, "model0.layer1.weight.grad", "F32", [2, 2, 4]);
        AssertTensor(tensors, "model0.layer1.bias.exp_avg_sq", "F32", [2, 2]);
        AssertTensor(tensors, "model0.state", "I64", [2, 6]);
        AssertTensor(tensors, "model0.settings", "F64", [2, 14]);

        for (int n = 0; n < 2; n++)
        {
            float[] torch = new float[spec.Layout.ParameterCount];
            spec.ExportParameters(world, adam[n], torch);
            AssertStacked(tensors, "", n, spec.Layout, torch);
            spec.ExportGradients(world, adam[n], torch);
            AssertStacked(tensors, ".grad", n, spec.Layout, torch);
            ReadOnlySpan<float> moments = world.GetSpan<float>(adam[n], spec.AdamMoments);
            ParameterOrder.ExportTorch(spec.Layout, moments[..spec.Layout.ParameterCount], torch);
            AssertStacked(tensors, ".exp_avg", n, spec.Layout, torch);
            ParameterOrder.ExportTorch(spec.Layout, moments[spec.Layout.ParameterCount..], torch);
            AssertStacked(tensors, ".exp_avg_sq", n, spec.Layout, torch);
            long[] state = MemoryMarshal.Cast<byte, long>(tensors["model0.state"].Data).Slice(6 * n, 6).ToArray();
            Assert.Equal(new long[] { 3, 3, 0, 0 }, state[..4]); // passes, steps, step due, consecutive failures
            Assert.True(BitConverter.Int32BitsToSingle((int)state[4]) > 0f); // the guard's last gradient norm
            Assert.Equal(-1, state[5]); // not quarantined
            double[] settings = MemoryMarshal.Cast<byte, double>(tensors["model0.settings"].Data).Slice(14 * n, 14).ToArray();
            Assert.Equal(new double[] { 1, 0.01f * (n + 1), 0, 0, 0, 0, 0, 0.9f, 0.999f, 1e-8f, 0, 1, 0, 3 }, settings);
        }

        Assert.Equal("embeddedlearn.checkpoint", metadata["format"]);
        Assert.Equal("3", metadata["format_version"]);
        Assert.Equal(0, JsonNode.Parse(metadata["models"])!.AsArray()[0]!["replay"]!.GetValue<int>()); // not Q-learning agents
        Assert.Equal(string.Empty, JsonNode.Parse(metadata["models"])!.AsArray()[0]!["ppo"]!.GetValue<string>()); // nor PPO brains
        JsonObject model = JsonNode.Parse(metadata["models"])!.AsArray()[0]!.AsObject();
        Assert.Equal("3,4,2", model["layout"]!.GetValue<string>());
        Assert.Equal("tanh", model["activation"]!.GetValue<string>());
        Assert.Equal(2, model["count"]!.GetValue<int>());
        Assert.Contains("\"settings\":[\"optimizer\",\"lr\"", metadata["columns"], StringComparison.Ordinal);
        byte[] hashed = [.. Encoding.UTF8.GetBytes(metadata["models"]), .. data];
        Assert.Equal("xxhash64:" + XxHash64.HashToUInt64(hashed).ToString("x16"), metadata["checksum"]);
    }

    private static void AssertTensor(Dictionary<string, (string DType, long[] Shape, byte[] Data)> tensors, string name,
        string dtype, long[] shape)
    {
        Assert.Equal(dtype, tensors[name].DType);
        Assert.Equal(shape, tensors[name].Shape);
    }

    private static void AssertStacked(Dictionary<string, (string DType, long[] Shape, byte[] Data)> tensors, string suffix, int n,
        ModelLayout layout, float[] torch)
    {
        for (int l = 0; l < layout.LayerCount; l++)
        {
            int w = layout.LayerInput(l) * layout.LayerOutput(l), b = layout.LayerOutput(l);
            float[] weight = MemoryMarshal.Cast<byte, float>(tensors[$"model0.layer{l}.weight{suffix}"].Data).Slice(n * w, w).ToArray();
            float[] bias = MemoryMarshal.Cast<byte, float>(tensors[$"model0.layer{l}.bias{suffix}"].Data).Slice(n * b, b).ToArray();
            Assert.Equal(torch.AsSpan(layout.WeightOffset(l), w).ToArray(), weight);
            Assert.Equal(torch.AsSpan(layout.BiasOffset(l), b).ToArray(), bias);
        }
    }
}
