using System.Globalization;

namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>
/// <c>--scene steering --headless</c>: runs the scene flat out for a number of frames and writes <c>steering.png</c>
/// (the last frame, drawn by <see cref="SkiaRenderer"/> from <see cref="SteeringPainter"/>'s list, as the page draws
/// it), <c>reward.png</c> (<see cref="RewardChart"/>) and <c>summary.json</c> (<see cref="SteeringSummary"/>).
/// </summary>
internal static class SteeringHeadless
{
    /// <summary>Runs <paramref name="frames"/> frames; returns the history. Prints a line per simulated 10 seconds to
    /// <paramref name="output"/> when given.</summary>
    public static RewardHistory Run(SteeringScene scene, int frames, string outDirectory, TextWriter? output)
    {
        Directory.CreateDirectory(outDirectory);
        var history = new RewardHistory(scene.Groups.Count);
        List<double>[] groupTicks = [.. scene.Groups.Select(_ => new List<double>())];
        output?.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0} steering agents in {1} groups ({2} learning), a decision every {3} frame(s)",
            scene.AgentCount, scene.Groups.Count, scene.LearningAgents, scene.DecisionFrames));
        for (int f = 1; f <= frames; f++)
        {
            scene.Frame();
            history.Record(scene);
            foreach (SteeringGroup group in scene.Groups)
            {
                if (scene.Decided && group.LastTickMs is double tick)
                {
                    groupTicks[group.Index].Add(tick);
                }
            }

            if (output is not null && (f % 600 == 0 || f == frames))
            {
                output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,6:F1}s  reward/decision {1}  frame {2:F2} ms",
                    scene.Time, string.Join("  ", scene.Groups.Select(g => string.Format(CultureInfo.InvariantCulture, "G{0} {1,7:F4}",
                        g.Index + 1, MetricsHistory.Smooth(history.Reward[g.Index], 150)[^1]))), history.FrameMs[^1]));
            }
        }

        var drawing = new DrawList();
        SteeringPainter.Paint(scene, drawing);
        SkiaRenderer.WritePng(drawing, Path.Combine(outDirectory, "steering.png"));
        RewardChart.Save(scene, history, "Steering", Path.Combine(outDirectory, "reward.png"));
        SteeringSummary.Write(scene, history, groupTicks, Path.Combine(outDirectory, "summary.json"));
        output?.WriteLine("wrote steering.png, reward.png and summary.json to " + Path.GetFullPath(outDirectory));
        return history;
    }
}
