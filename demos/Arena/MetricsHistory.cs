namespace EmbeddedLearn.Demos.Arena;

/// <summary>Every frame's figures of a headless run: hit rate and mean loss over all turrets and per group, and the
/// frame time, and the entities each tick contained. Hit rates and losses cover the turrets whose sensors work, weighted
/// by turret, so "all turrets" is not the mean of the groups.</summary>
internal sealed class MetricsHistory(int groups)
{
    public List<double> HitRate { get; } = [];

    public List<double> MeanLoss { get; } = [];

    public List<double> FrameMs { get; } = [];

    /// <summary>Entities the pipeline left out of each frame's tick for NaN or infinite data.</summary>
    public List<int> LeftOut { get; } = [];

    /// <summary>Entities whose optimizer step the guard skipped in each frame's tick.</summary>
    public List<int> StepsSkipped { get; } = [];

    public List<double>[] GroupHitRate { get; } = [.. Enumerable.Range(0, groups).Select(_ => new List<double>())];

    public List<double>[] GroupMeanLoss { get; } = [.. Enumerable.Range(0, groups).Select(_ => new List<double>())];

    /// <summary>Records the scene's last frame.</summary>
    public void Record(ArenaScene scene)
    {
        double hits = 0, loss = 0;
        int turrets = 0;
        foreach (TurretGroup group in scene.Groups)
        {
            GroupHitRate[group.Index].Add(group.HitRate);
            GroupMeanLoss[group.Index].Add(group.MeanLoss);
            int healthy = group.Turrets.Count - group.BadSensors;
            hits += group.HitRate * healthy;
            loss += group.MeanLoss * healthy;
            turrets += healthy;
        }

        HitRate.Add(turrets == 0 ? 0 : hits / turrets);
        MeanLoss.Add(turrets == 0 ? 0 : loss / turrets);
        FrameMs.Add(scene.LastFrameMs);
        LeftOut.Add(scene.LastReport?.LeftOut.Length ?? 0);
        StepsSkipped.Add(scene.LastReport?.StepsSkipped.Length ?? 0);
    }

    /// <summary>Mean of the first fifth of <paramref name="series"/> (at least one frame).</summary>
    public static double FirstFifth(List<double> series) => Mean(series, 0, Fifth(series));

    /// <summary>Mean of the last fifth of <paramref name="series"/> (at least one frame).</summary>
    public static double LastFifth(List<double> series) => Mean(series, series.Count - Fifth(series), Fifth(series));

    /// <summary>The <paramref name="p"/>-quantile (0-1) of <paramref name="series"/>, nearest rank.</summary>
    public static double Percentile(List<double> series, double p)
    {
        double[] sorted = [.. series];
        Array.Sort(sorted);
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Moving average over <paramref name="window"/> frames (shorter at the start).</summary>
    public static double[] Smooth(List<double> series, int window)
    {
        var result = new double[series.Count];
        double sum = 0;
        for (int i = 0; i < series.Count; i++)
        {
            sum += series[i] - (i >= window ? series[i - window] : 0);
            result[i] = sum / Math.Min(i + 1, window);
        }

        return result;
    }

    private static int Fifth(List<double> series) => Math.Max(1, series.Count / 5);

    private static double Mean(List<double> series, int start, int count)
    {
        double sum = 0;
        for (int i = start; i < start + count; i++)
        {
            sum += series[i];
        }

        return sum / count;
    }
}
