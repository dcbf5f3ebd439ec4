using System.Globalization;

namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>
/// <c>--scene foragers --headless</c>: runs the scene flat out for a number of frames and writes <c>foragers.png</c>
/// (the last frame, drawn by <see cref="SkiaRenderer"/> from <see cref="ForagerPainter"/>'s list, as the page draws
/// it), <c>reward.png</c> (<see cref="RewardChart"/>) and <c>summary.json</c> (<see cref="ForagerSummary"/>), and with
/// <c>--export-onnx</c> each learning group's best Q-network as an ONNX file (<see cref="ArenaOnnxExport"/>).
/// </summary>
internal static class ForagerHeadless
{
    /// <summary>Runs <paramref name="frames"/> frames; returns the history. Prints a line per simulated 5 seconds to
    /// <paramref name="output"/> when given. With <paramref name="onnxFolder"/>, writes each learning group's best model
    /// there at the end.</summary>
    public static RewardHistory Run(ForagersScene scene, int frames, string outDirectory, TextWriter? output, string? onnxFolder = null)
    {
        Directory.CreateDirectory(outDirectory);
        var history = new RewardHistory(scene.Groups.Count);
        output?.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0} foragers in {1} groups ({2} learning), a decision every {3} frame(s); {4}",
            scene.Groups.Sum(g => g.Count), scene.Groups.Count, scene.LearningAgents, scene.DecisionFrames, scene.Learning.BackendDescription));
        for (int f = 1; f <= frames; f++)
        {
            scene.Frame();
            history.Record(scene);
            if (output is not null && (f % 300 == 0 || f == frames))
            {
                output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,6:F1}s  reward/decision {1}  frame {2:F2} ms",
                    scene.Time, string.Join("  ", scene.Groups.Select(g => string.Format(CultureInfo.InvariantCulture, "G{0} {1,7:F4}",
                        g.Index + 1, MetricsHistory.Smooth(history.Reward[g.Index], 60)[^1]))), history.FrameMs[^1]));
            }
        }

        var drawing = new DrawList();
        ForagerPainter.Paint(scene, drawing);
        SkiaRenderer.WritePng(drawing, Path.Combine(outDirectory, "foragers.png"));
        RewardChart.Save(scene, history, "Foragers", Path.Combine(outDirectory, "reward.png"));
        ForagerSummary.Write(scene, history, Path.Combine(outDirectory, "summary.json"));
        output?.WriteLine("wrote foragers.png, reward.png and summary.json to " + Path.GetFullPath(outDirectory));
        if (onnxFolder is not null)
        {
            IReadOnlyList<string> files = ArenaOnnxExport.Write(scene.World,
                scene.Groups.Where(g => g.Spec.Learns).Select(g => (g.Spec.Name, (IEnumerable<EmbeddedLearn.Ecs.Entity>)g.Agents)), onnxFolder);
            output?.WriteLine("wrote " + string.Join(", ", files.Select(Path.GetFileName)) + " to " + Path.GetFullPath(onnxFolder));
        }

        return history;
    }
}
