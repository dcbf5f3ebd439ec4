namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>Every decision's mean reward per agent, per group, and every frame's and tick's wall-clock time, of a headless run.</summary>
internal sealed class ForagerHistory(int groups)
{
    /// <summary>Per group, the mean reward per agent of each decision closed.</summary>
    public List<double>[] Reward { get; } = [.. Enumerable.Range(0, groups).Select(_ => new List<double>())];

    public List<double> FrameMs { get; } = [];

    /// <summary>Wall-clock time of each decision's learning tick (the pipeline run alone), in milliseconds.</summary>
    public List<double> TickMs { get; } = [];

    /// <summary>Records the scene's last frame (and its groups' rewards when it closed a decision).</summary>
    public void Record(ForagersScene scene)
    {
        FrameMs.Add(scene.LastFrameMs);
        if (scene.Decided && scene.LastReport is { } report)
        {
            TickMs.Add(report.TotalMilliseconds);
        }
        if (!scene.DecisionClosed)
        {
            return;
        }

        foreach (ForagerGroup group in scene.Groups)
        {
            Reward[group.Index].Add(group.MeanReward);
        }
    }

    /// <summary>Mean of a whole series.</summary>
    public static double Mean(List<double> series) => series.Count == 0 ? 0 : series.Average();
}
