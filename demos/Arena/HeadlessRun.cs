using System.Globalization;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// <c>--headless</c>: runs the scene flat out without a server for a number of frames and writes <c>arena.png</c>
/// (the last frame, drawn by <see cref="SkiaRenderer"/> from <see cref="ArenaPainter"/>'s list, as the page draws it),
/// <c>learning.png</c> (<see cref="LearningChart"/>) and <c>summary.json</c> (<see cref="SummaryWriter"/>), and with
/// <c>--export-onnx</c> each group's best model as an ONNX file (<see cref="ArenaOnnxExport"/>).
/// </summary>
internal static class HeadlessRun
{
    /// <summary>Runs <paramref name="frames"/> frames; returns the history. Prints a line per simulated second to
    /// <paramref name="output"/> when given. With <paramref name="checkpoint"/>, saves it every few seconds of game time
    /// and at the end (a failed save is printed to <paramref name="errors"/> and the run goes on). With
    /// <paramref name="onnxFolder"/>, writes each group's best model there at the end.</summary>
    public static MetricsHistory Run(ArenaScene scene, int frames, string outDirectory, TextWriter? output,
        ArenaCheckpoint? checkpoint = null, TextWriter? errors = null, string? onnxFolder = null)
    {
        Directory.CreateDirectory(outDirectory);
        var history = new MetricsHistory(scene.Groups.Count);
        long first = scene.Frames;
        output?.WriteLine(scene.TurretCount + " turrets in " + scene.Groups.Count + " groups (" + scene.BadSensorCount
            + " with bad sensors)" + (first > 0 ? "; resumed at frame " + first : string.Empty) + "; " + scene.Learning.Description);
        for (int f = 1; f <= frames; f++)
        {
            scene.Frame();
            history.Record(scene);
            if (checkpoint?.SaveIfDue(scene) is string failed)
            {
                errors?.WriteLine("warning: " + failed);
            }

            if (output is not null && (f % 60 == 0 || f == frames))
            {
                output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "{0,6:F1}s  hit rate {1,5:P0}  mean loss {2:E2}  frame {3:F2} ms  contained: left out {4}, steps skipped {5}, quarantined {6}",
                    scene.Time, history.HitRate[^1], history.MeanLoss[^1], history.FrameMs[^1], history.LeftOut[^1], history.StepsSkipped[^1],
                    scene.QuarantinedCount));
            }
        }

        if (checkpoint is not null)
        {
            string? failed = checkpoint.TrySave(scene);
            if (failed is not null)
            {
                errors?.WriteLine("warning: " + failed);
            }
            else
            {
                output?.WriteLine("saved " + Path.GetFullPath(checkpoint.Path) + " at frame " + scene.Frames + " (" + checkpoint.Saves + " saves)");
            }
        }

        var drawing = new DrawList();
        ArenaPainter.Paint(scene, drawing);
        SkiaRenderer.WritePng(drawing, Path.Combine(outDirectory, "arena.png"));
        LearningChart.Save(scene, history, Path.Combine(outDirectory, "learning.png"));
        SummaryWriter.Write(scene, history, scene.Seed, Path.Combine(outDirectory, "summary.json"));
        output?.WriteLine("wrote arena.png, learning.png and summary.json to " + Path.GetFullPath(outDirectory));
        if (onnxFolder is not null)
        {
            IReadOnlyList<string> files = ArenaOnnxExport.Write(scene.World, scene.Groups.Select(g =>
                (g.Spec.Name, g.Turrets.Where(t => !t.BadSensor).Select(t => t.Learner))), onnxFolder);
            output?.WriteLine("wrote " + string.Join(", ", files.Select(Path.GetFileName)) + " to " + Path.GetFullPath(onnxFolder));
        }

        return history;
    }
}
