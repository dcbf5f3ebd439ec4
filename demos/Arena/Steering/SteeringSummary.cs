using System.Text.Json;

namespace EmbeddedLearn.Demos.Arena.Steering;

/// <summary>
/// Writes a headless steering run's <c>summary.json</c>. Per group: <c>name</c> (it says which policy: "shared",
/// "per-entity", "heuristic" or "random"), <c>policy</c>, agents, learning rate, <c>mean_reward_first_20pct</c> and
/// <c>mean_reward_last_20pct</c> (mean reward per agent per decision over the first and last fifth of the decisions),
/// <c>last_20pct_of_heuristic</c> (the last fifth's mean over the heuristic's whole-run mean), goals reached,
/// agent-frames on a hazard and against a wall, and for a PPO group its brains in words (<c>ppo</c>) and its own learning
/// tick's <c>p50_tick_ms</c> / <c>p99_tick_ms</c>. At the top: <c>heuristic_mean_reward</c> and
/// <c>random_baseline_mean_reward</c> (those groups' means over the whole run), the first learning group's two reward
/// figures (or the first group's, without one), <c>frames</c>, <c>decisions</c>, <c>p50_frame_ms</c> /
/// <c>p99_frame_ms</c> and <c>p50_tick_ms</c> / <c>p99_tick_ms</c> (the first learning group's tick alone: the shared
/// brain's in the default groups; 0 without learners). Every figure but these wall-clock times is a function of the seed
/// and the options alone (without a budget; on any thread count).
/// </summary>
internal static class SteeringSummary
{
    public static void Write(SteeringScene scene, RewardHistory history, IReadOnlyList<List<double>> groupTicks, string path)
    {
        double heuristic = MeanOf(scene, history, SteeringPolicy.Heuristic), random = MeanOf(scene, history, SteeringPolicy.Random);
        SteeringGroup lead = scene.Groups.FirstOrDefault(g => g.Spec.Learns) ?? scene.Groups[0];
        AgentSummary.Write(path, json =>
        {
            AgentSummary.WriteHead(json, ArenaOptions.Steering, scene.Seed, history, scene.DecisionFrames);
            json.WriteNumber("agents", scene.AgentCount);
            json.WriteNumber("learning_agents", scene.LearningAgents);
            json.WriteString("lead_group", lead.Spec.Name);
            json.WriteString("fingerprint", scene.Fingerprint);
            AgentSummary.WriteFigure(json, "heuristic_mean_reward", heuristic);
            AgentSummary.WriteFigure(json, "random_baseline_mean_reward", random);
            AgentSummary.WriteFigure(json, "mean_reward_first_20pct", MetricsHistory.FirstFifth(history.Reward[lead.Index]));
            AgentSummary.WriteFigure(json, "mean_reward_last_20pct", MetricsHistory.LastFifth(history.Reward[lead.Index]));
            AgentSummary.WriteTimes(json, history);
            json.WriteStartArray("groups");
            foreach (SteeringGroup group in scene.Groups)
            {
                double last = MetricsHistory.LastFifth(history.Reward[group.Index]);
                json.WriteStartObject();
                json.WriteString("name", group.Spec.Name);
                json.WriteString("policy", group.Spec.Policy.ToString());
                json.WriteNumber("agents", group.Count);
                json.WriteNumber("learning_rate", group.LearningRate);
                AgentSummary.WriteFigure(json, "mean_reward_first_20pct", MetricsHistory.FirstFifth(history.Reward[group.Index]));
                AgentSummary.WriteFigure(json, "mean_reward_last_20pct", last);
                AgentSummary.WriteFigure(json, "last_20pct_of_heuristic", last / heuristic);
                json.WriteNumber("goals_reached", group.GoalsReached);
                json.WriteNumber("hazard_frames", group.HazardFrames);
                json.WriteNumber("wall_frames", group.WallFrames);
            if (scene.Brains[group.Index] is { } brains)
            {
                json.WriteString("ppo", brains.Description);
                json.WriteNumber("p50_tick_ms", groupTicks[group.Index].Count == 0 ? 0 : MetricsHistory.Percentile(groupTicks[group.Index], 0.50));
                json.WriteNumber("p99_tick_ms", groupTicks[group.Index].Count == 0 ? 0 : MetricsHistory.Percentile(groupTicks[group.Index], 0.99));
            }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    /// <summary>The whole-run mean reward of the first group of <paramref name="policy"/>, NaN without one.</summary>
    private static double MeanOf(SteeringScene scene, RewardHistory history, SteeringPolicy policy) =>
        scene.Groups.FirstOrDefault(g => g.Spec.Policy == policy) is { } group ? RewardHistory.Mean(history.Reward[group.Index]) : double.NaN;
}
