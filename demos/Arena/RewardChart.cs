using ScottPlot;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>A headless agent scene's chart: mean reward per agent per decision over simulated time, one line per group
/// (a 2-second moving average), the baselines beside the learners (ScottPlot).</summary>
internal static class RewardChart
{
    /// <summary>Writes the chart, titled "<paramref name="scene"/>: mean reward ...", as a PNG of
    /// <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public static void Save(IAgentScene agents, RewardHistory history, string scene, string path, int width = 1000, int height = 450)
    {
        var plot = new Plot();
        int window = Math.Max(1, 120 / agents.DecisionFrames);
        foreach (AgentGroup group in agents.AgentGroups)
        {
            List<double> reward = history.Reward[group.Index];
            double[] seconds = [.. Enumerable.Range(1, reward.Count).Select(d => d * agents.DecisionFrames / 60.0)];
            var line = plot.Add.ScatterLine(seconds, MetricsHistory.Smooth(reward, window), Color.FromARGB(group.Colour));
            line.LegendText = group.Name;
            line.LineWidth = 2;
        }

        plot.Title(scene + ": mean reward per agent per decision (2 s moving average)");
        plot.XLabel("simulated seconds");
        plot.YLabel("reward per decision");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, width, height);
    }
}
