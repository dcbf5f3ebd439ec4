using System.Text.Json;

namespace EmbeddedLearn.Demos.Arena.Foragers;

/// <summary>
/// Writes a headless foragers run's <c>summary.json</c>. Per group: agents, <c>mean_reward_first_20pct</c> and
/// <c>mean_reward_last_20pct</c> (mean reward per agent per decision over the first and last fifth of the decisions),
/// <c>random_baseline_mean_reward</c> (the random-move group's mean over the whole run, the same for every group),
/// food eaten and agents caught. At the top: the same three figures for the first learning group (the DQN group),
/// <c>frames</c>, <c>decisions</c>, <c>p50_frame_ms</c> / <c>p99_frame_ms</c> and <c>p50_tick_ms</c> / <c>p99_tick_ms</c>
/// (the learning tick alone; the rest of a frame is the field's simulation). Every figure but these four wall-clock times is a function of
/// the seed and the options alone; <c>fingerprint</c> (<see cref="ForagersScene.Fingerprint"/>) tells whether two runs
/// learned the same bits (the same on every CPU).
/// </summary>
internal static class ForagerSummary
{
    public static void Write(ForagersScene scene, RewardHistory history, string path)
    {
        ForagerGroup? baseline = scene.Groups.FirstOrDefault(g => !g.Spec.Learns);
        double random = baseline is null ? double.NaN : RewardHistory.Mean(history.Reward[baseline.Index]);
        ForagerGroup learning = scene.Groups.FirstOrDefault(g => g.Spec.Learns) ?? scene.Groups[0];
        AgentSummary.Write(path, json =>
        {
            AgentSummary.WriteHead(json, ArenaOptions.Foragers, scene.Seed, history, scene.DecisionFrames);
            json.WriteNumber("learning_agents", scene.LearningAgents);
            json.WriteString("backend", scene.Learning.ActiveBackend);
            json.WriteString("learning_group", learning.Spec.Name);
            json.WriteString("fingerprint", scene.Fingerprint);
            WriteFigures(json, history.Reward[learning.Index], random);
            AgentSummary.WriteTimes(json, history);
            json.WriteStartArray("groups");
            foreach (ForagerGroup group in scene.Groups)
            {
                json.WriteStartObject();
                json.WriteString("name", group.Spec.Name);
                json.WriteBoolean("learns", group.Spec.Learns);
                json.WriteNumber("agents", group.Count);
                json.WriteNumber("learning_rate", group.LearningRate);
                WriteFigures(json, history.Reward[group.Index], random);
                json.WriteNumber("eaten", group.Eaten);
                json.WriteNumber("caught", group.Caught);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    private static void WriteFigures(Utf8JsonWriter json, List<double> reward, double random)
    {
        AgentSummary.WriteFigure(json, "mean_reward_first_20pct", MetricsHistory.FirstFifth(reward));
        AgentSummary.WriteFigure(json, "mean_reward_last_20pct", MetricsHistory.LastFifth(reward));
        AgentSummary.WriteFigure(json, "random_baseline_mean_reward", random);
    }
}
