using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace EmbeddedLearn.Demos.BudgetReport;

/// <summary>The log-log chart: p50 ms per tick against N, one line per implementation and thread count,
/// with the 60 and 120 FPS frame times as reference lines.</summary>
internal static class BudgetChart
{
    public const string Title = "Swarm 8-32-32-2, batch 4: time per tick";

    private static readonly Color[] s_colors =
    [
        Color.FromHex("#1f77b4"), // EmbeddedLearn CPU
        Color.FromHex("#2ca02c"), // EmbeddedLearn OpenCL
        Color.FromHex("#d62728"), // TorchSharp bmm
        Color.FromHex("#ff7f0e"), // TorchSharp modules
        Color.FromHex("#7f7f7f"),
    ];

    private static readonly MarkerShape[] s_markers =
        [MarkerShape.FilledCircle, MarkerShape.FilledDiamond, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.OpenCircle];

    public static void Save(IReadOnlyList<Measurement> measurements, string path, int width = 1200, int height = 650)
    {
        var plot = new Plot();
        foreach (var series in measurements.GroupBy(m => (m.Implementation, m.Threads))
            .OrderBy(g => Implementations.Rank(g.Key.Implementation)).ThenBy(g => g.Key.Threads))
        {
            Measurement[] points = [.. series.OrderBy(m => m.Entities)];
            double[] xs = [.. points.Select(m => Math.Log10(m.Entities))];
            double[] ys = [.. points.Select(m => Math.Log10(m.P50Ms))];
            int rank = Implementations.Rank(series.Key.Implementation);
            var scatter = plot.Add.Scatter(xs, ys);
            scatter.Color = s_colors[rank];
            scatter.LineWidth = 2;
            scatter.LinePattern = series.Key.Threads switch { 1 => LinePattern.Solid, 2 => LinePattern.Dashed, _ => LinePattern.Dotted };
            scatter.MarkerShape = s_markers[rank];
            scatter.MarkerSize = series.Key.Threads == 1 ? 9 : 7;
            scatter.LegendText = series.Key.Implementation + (series.Key.Threads == 1 ? ", 1 thread" : $", {series.Key.Threads} threads");
        }

        // Explicit limits, a little past the data, so that the frame lines' labels can sit at the left edge
        // (at small N every implementation so far is far below a frame).
        double xMin = Math.Log10(measurements.Min(m => m.Entities)), xMax = Math.Log10(measurements.Max(m => m.Entities));
        double yMin = Math.Log10(Math.Min(measurements.Min(m => m.P50Ms), 8.3)), yMax = Math.Log10(Math.Max(measurements.Max(m => m.P50Ms), 16.6));
        double xPad = Math.Max(0.15, (xMax - xMin) * 0.04), yPad = Math.Max(0.15, (yMax - yMin) * 0.05);
        plot.Axes.SetLimits(xMin - xPad, xMax + xPad, yMin - yPad, yMax + yPad);
        AddFrameLine(plot, 16.6, "60 FPS frame: 16.6 ms", LinePattern.Dashed, xMin - xPad);
        AddFrameLine(plot, 8.3, "120 FPS frame: 8.3 ms", LinePattern.Dotted, xMin - xPad);

        plot.Axes.Bottom.TickGenerator = LogTicks();
        plot.Axes.Left.TickGenerator = LogTicks();
        plot.Grid.MajorLineColor = Colors.Black.WithOpacity(0.15);
        plot.Grid.MinorLineColor = Colors.Black.WithOpacity(0.05);
        plot.Grid.MinorLineWidth = 1;

        plot.Title(Title);
        plot.XLabel("Entities N (log scale)");
        plot.YLabel("p50 time per tick, ms (log scale)");
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, width, height);
    }

    private static void AddFrameLine(Plot plot, double ms, string label, LinePattern pattern, double left)
    {
        var line = plot.Add.HorizontalLine(Math.Log10(ms));
        line.Color = Colors.DimGray;
        line.LineWidth = 1.5f;
        line.LinePattern = pattern;
        line.LegendText = label;
        var text = plot.Add.Text(label, left, Math.Log10(ms));
        text.LabelFontColor = Colors.DimGray;
        text.LabelFontSize = 12;
        text.LabelAlignment = Alignment.LowerLeft;
        text.LabelOffsetX = 4;
    }

    private static NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = exponent =>
        {
            double value = Math.Pow(10, exponent);
            return value.ToString(value >= 1 ? "#,0" : "0.####", CultureInfo.InvariantCulture);
        },
    };
}
