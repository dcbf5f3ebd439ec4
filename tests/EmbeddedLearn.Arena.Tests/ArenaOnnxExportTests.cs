using EmbeddedLearn.Components;
using EmbeddedLearn.Demos.Arena;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Onnx;
using EmbeddedLearn.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EmbeddedLearn.Arena.Tests;

/// <summary><c>--export-onnx DIR</c>: each group's best model (lowest loss) lands in DIR as &lt;group-name&gt;.onnx and runs in
/// ONNX Runtime; a folder that cannot be written, or a live run, is refused before the first frame.</summary>
public sealed class ArenaOnnxExportTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "arena-onnx-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void A_headless_run_writes_the_lowest_loss_learner_of_every_group()
    {
        string onnx = Path.Combine(_directory, "onnx");
        var options = new ArenaOptions(TurretsPerGroup: 6, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 3);
        using ArenaScene scene = options.CreateScene(log: null);
        HeadlessRun.Run(scene, frames: 30, Path.Combine(_directory, "out"), output: null, onnxFolder: onnx);

        Assert.Equal(
            ["adam-lr-0.003-4-32-2-relu.onnx", "adam-lr-0.01-4-16-16-2-tanh.onnx", "sgd-lr-0.05-m-0.9-4-16-16-2-tanh.onnx"],
            Directory.GetFiles(onnx).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (TurretGroup group in scene.Groups)
        {
            Entity best = group.Turrets.Select(t => t.Learner).MinBy(e => scene.World.Get<Loss>(e).Value);
            float[] expected = new float[group.Model.Layout.ParameterCount];
            group.Model.ExportParameters(scene.World, best, expected);
            string file = Path.Combine(onnx, ArenaOnnxExport.FileName(group.Spec.Name) + ".onnx");

            OnnxNetwork network = OnnxModel.Import(file);

            Assert.Equal(group.Spec.Layout, network.Layout);
            Assert.Equal(expected, network.GetParameters().ToArray());
        }
    }

    [Fact]
    public async Task The_foragers_files_run_in_onnx_runtime()
    {
        string onnx = Path.Combine(_directory, "foragers onnx");
        (int exit, string output, string error) = await ArenaProcess.RunAsync("--scene", "foragers", "--headless", "--ticks", "20",
            "--foragers", "8", "--threads", "1", "--out", Path.Combine(_directory, "out"), "--export-onnx", onnx);

        Assert.True(exit == 0, error);
        Assert.Contains("wrote dqn-6-32-4-relu-adam-lr-0.003.onnx, double-dqn-6-32-4-relu-adam-lr-0.003.onnx to " + onnx, output, StringComparison.Ordinal);
        foreach (string file in Directory.GetFiles(onnx))
        {
            using var session = new InferenceSession(file);
            var input = new DenseTensor<float>(new float[3 * 6], [3, 6]);
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
            Assert.Equal([3, 4], results[0].AsTensor<float>().Dimensions.ToArray());
        }
    }

    [Fact]
    public async Task A_folder_that_cannot_be_written_is_refused_before_the_run()
    {
        Directory.CreateDirectory(_directory);
        string file = Path.Combine(_directory, "a-file");
        File.WriteAllText(file, "a file where the folder's parent should be");
        (int exit, string output, string error) = await ArenaProcess.RunAsync("--headless", "--ticks", "5", "--out", Path.Combine(_directory, "out"),
            "--export-onnx", Path.Combine(file, "sub"));

        Assert.Equal(2, exit);
        Assert.StartsWith("error: --export-onnx '" + Path.Combine(file, "sub") + "' cannot be written: ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task A_live_run_is_refused()
    {
        (int exit, _, string error) = await ArenaProcess.RunAsync("--export-onnx", Path.Combine(_directory, "x"));

        Assert.Equal(2, exit);
        Assert.Equal("error: --export-onnx needs --headless.", error.Trim());
    }
}
