using System.Diagnostics;
using System.Globalization;

namespace EmbeddedLearn.Peer;

internal static class Bench
{
    internal static PeerResult Run(ISwarmPeer peer, string idiom, int n, int threads, int ticks, int warmup)
    {
        double lossBefore = peer.MeanLoss();
        int tick = 0;
        for (int w = 0; w < warmup; w++) peer.Tick(tick++ % Swarm.Ring);
        double rssBefore = Environment.WorkingSet / 1048576.0;
        var ms = new double[ticks];
        for (int k = 0; k < ticks; k++)
        {
            long start = Stopwatch.GetTimestamp();
            peer.Tick(tick++ % Swarm.Ring);
            ms[k] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        double rssAfter = Environment.WorkingSet / 1048576.0;
        double lossAfter = peer.MeanLoss();
        var sorted = (double[])ms.Clone();
        Array.Sort(sorted);
        return new PeerResult(idiom, n, threads, ticks, warmup, ms.Average(),
            Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99), sorted[^1],
            lossBefore, lossAfter, rssBefore, rssAfter);
    }

    /// <summary>Nearest-rank percentile of an ascending array.</summary>
    private static double Percentile(double[] sorted, double p)
    {
        int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    internal static void PrintTable(IReadOnlyList<PeerResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("| idiom   | entities | threads | ticks | mean ms | p50 ms | p95 ms | p99 ms | max ms | loss before -> after | RSS MB before -> after |");
        Console.WriteLine("|---------|---------:|--------:|------:|--------:|-------:|-------:|-------:|-------:|----------------------|------------------------|");
        foreach (var r in results)
            Console.WriteLine(string.Format(c,
                "| {0,-7} | {1,8} | {2,7} | {3,5} | {4,7:F3} | {5,6:F3} | {6,6:F3} | {7,6:F3} | {8,6:F3} | {9:F6} -> {10:F6} | {11:F0} -> {12:F0} |",
                r.Idiom, r.Entities, r.Threads, r.Ticks, r.MeanMs, r.P50Ms, r.P95Ms, r.P99Ms, r.MaxMs,
                r.LossBefore, r.LossAfter, r.RssBeforeMb, r.RssAfterMb));
    }
}
