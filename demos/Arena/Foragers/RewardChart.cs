using ScottPlot;

namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>The headless foragers run's chart: mean reward per agent per decision over simulated time, one line per
/// group (a 2-second moving average), the random baseline beside the learners (ScottPlot).</summary>
internal static class RewardChart
{
    /// <summary>Writes the chart as a PNG of <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public static void Save(ForagersScene scene, ForagerHistory history, string path, int width = 1000, int height = 450)
    {
        var plot = new Plot();
        int window = Math.Max(1, 120 / scene.DecisionFrames);
        foreach (ForagerGroup group in scene.Groups)
        {
            List<double> reward = history.Reward[group.Index];
            double[] seconds = [.. Enumerable.Range(1, reward.Count).Select(d => d * scene.DecisionFrames * (double)ForagersScene.FrameSeconds)];
            var line = plot.Add.ScatterLine(seconds, MetricsHistory.Smooth(reward, window), Color.FromARGB(group.Colour));
            line.LegendText = group.Spec.Name;
            line.LineWidth = 2;
        }

        plot.Title("Foragers: mean reward per agent per decision (2 s moving average)");
        plot.XLabel("simulated seconds");
        plot.YLabel("reward per decision");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, width, height);
    }
}
