using System.Globalization;
using System.Text;

namespace EmbeddedLearn.Demos.BudgetReport;

/// <summary>The markdown table: a row per (implementation, N), p50/p99 per thread count, and EmbeddedLearn CPU's
/// speed-up over TorchSharp bmm at the same N and thread count.</summary>
internal static class MarkdownTable
{
    public static string Build(IReadOnlyList<Measurement> measurements)
    {
        // Threads 1 and 2 always get columns; any other thread count measured gets its own too.
        int[] threads = [.. measurements.Select(m => m.Threads).Append(1).Append(2).Distinct().Order()];
        var byKey = measurements.ToDictionary(m => (m.Implementation, m.Entities, m.Threads));

        var sb = new StringBuilder();
        sb.Append("| Implementation | N |");
        foreach (int t in threads)
        {
            sb.Append(CultureInfo.InvariantCulture, $" t={t} p50 ms | t={t} p99 ms |");
        }

        foreach (int t in threads)
        {
            sb.Append(CultureInfo.InvariantCulture, $" t={t} speed-up vs bmm |");
        }

        sb.AppendLine();
        sb.Append("|---|--:|");
        for (int i = 0; i < threads.Length * 3; i++)
        {
            sb.Append("--:|");
        }

        sb.AppendLine();
        foreach (var row in measurements.Select(m => (m.Implementation, m.Entities)).Distinct()
            .OrderBy(r => Implementations.Rank(r.Implementation)).ThenBy(r => r.Entities))
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {row.Implementation} | {row.Entities} |");
            foreach (int t in threads)
            {
                if (byKey.TryGetValue((row.Implementation, row.Entities, t), out Measurement? m))
                {
                    sb.Append(CultureInfo.InvariantCulture, $" {Ms(m.P50Ms)} | {Ms(m.P99Ms)} |");
                }
                else
                {
                    sb.Append(" | |");
                }
            }

            foreach (int t in threads)
            {
                string speedUp = "";
                if (row.Implementation == Implementations.EmbeddedLearnCpu
                    && byKey.TryGetValue((row.Implementation, row.Entities, t), out Measurement? ours)
                    && byKey.TryGetValue((Implementations.TorchSharpBmm, row.Entities, t), out Measurement? bmm))
                {
                    double ratio = bmm.P50Ms / ours.P50Ms;
                    speedUp = ratio.ToString(ratio >= 10 ? "0" : "0.0#", CultureInfo.InvariantCulture) + "×";
                }

                sb.Append(CultureInfo.InvariantCulture, $" {speedUp} |");
            }

            sb.AppendLine();
        }

        sb.AppendLine();
        sb.AppendLine("Tick time in ms (p50 and p99 over the measured ticks); t = threads. Speed-up: TorchSharp bmm p50 / "
            + "EmbeddedLearn CPU p50 at the same N and thread count (blank where either is missing).");
        return sb.ToString();
    }

    /// <summary>Three significant figures or so, never scientific notation.</summary>
    public static string Ms(double ms) => ms.ToString(ms >= 100 ? "0" : ms >= 10 ? "0.0" : ms >= 1 ? "0.00" : ms >= 0.01 ? "0.000" : "0.0000",
        CultureInfo.InvariantCulture);
}
