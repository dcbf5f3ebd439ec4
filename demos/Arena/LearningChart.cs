using ScottPlot;
using ScottPlot.TickGenerators;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>The headless run's chart: hit rate (1-second moving average) and mean loss (log scale) over simulated time,
/// one line per group, side by side (ScottPlot).</summary>
internal static class LearningChart
{
    /// <summary>Writes the chart as a PNG of <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public static void Save(ArenaScene scene, MetricsHistory history, string path, int width = 1200, int height = 450)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        Plot hits = multiplot.GetPlot(0), loss = multiplot.GetPlot(1);
        foreach (TurretGroup group in scene.Groups)
        {
            double[] seconds = [.. Enumerable.Range(1, history.GroupHitRate[group.Index].Count).Select(f => f * (double)ArenaScene.FrameSeconds)];
            var colour = Color.FromARGB(group.Colour);
            var hitLine = hits.Add.ScatterLine(seconds, MetricsHistory.Smooth(history.GroupHitRate[group.Index], 60), colour);
            hitLine.LegendText = group.Spec.Name;
            hitLine.LineWidth = 2;
            double[] logLoss = [.. history.GroupMeanLoss[group.Index].Select(l => Math.Log10(Math.Max(l, 1e-8)))];
            var lossLine = loss.Add.ScatterLine(seconds, logLoss, colour);
            lossLine.LegendText = group.Spec.Name;
            lossLine.LineWidth = 2;
        }

        hits.Title("Hit rate (1 s moving average)");
        hits.XLabel("simulated seconds");
        hits.Axes.SetLimitsY(0, 1);
        hits.ShowLegend(Alignment.UpperLeft);
        loss.Title("Mean loss per turret");
        loss.XLabel("simulated seconds");
        loss.Axes.Left.TickGenerator = new NumericAutomatic
        {
            LabelFormatter = y => "1e" + y.ToString("0", System.Globalization.CultureInfo.InvariantCulture),
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
        };
        loss.ShowLegend(Alignment.UpperRight);
        multiplot.SavePng(path, width, height);
    }
}
