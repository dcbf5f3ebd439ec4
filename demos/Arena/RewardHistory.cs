namespace EmbeddedLearn.Demos.Arena;

/// <summary>Every decision's mean reward per agent, per group, and every frame's and learning tick's wall-clock time, of
/// a headless run of an agent scene.</summary>
internal sealed class RewardHistory(int groups)
{
    /// <summary>Per group, the mean reward per agent of each decision closed.</summary>
    public List<double>[] Reward { get; } = [.. Enumerable.Range(0, groups).Select(_ => new List<double>())];

    public List<double> FrameMs { get; } = [];

    /// <summary>Wall-clock time of each decision's learning tick (the pipeline run alone), in milliseconds.</summary>
    public List<double> TickMs { get; } = [];

    /// <summary>Records the scene's last frame (and its groups' rewards when it closed a decision).</summary>
    public void Record(IAgentScene scene)
    {
        FrameMs.Add(scene.LastFrameMs);
        if (scene.LastTickMs is double tick)
        {
            TickMs.Add(tick);
        }

        if (!scene.DecisionClosed)
        {
            return;
        }

        foreach (AgentGroup group in scene.AgentGroups)
        {
            Reward[group.Index].Add(group.MeanReward);
        }
    }

    /// <summary>Mean of a whole series (0 when empty).</summary>
    public static double Mean(List<double> series) => series.Count == 0 ? 0 : series.Average();

    /// <summary>The <paramref name="p"/>-quantile of the learning ticks' times, 0 without any.</summary>
    public double TickPercentile(double p) => TickMs.Count == 0 ? 0 : MetricsHistory.Percentile(TickMs, p);
}
