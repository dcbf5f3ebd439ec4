using System.Text.Json;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>Writes a headless run's <c>summary.json</c>. Every figure but <c>p50_frame_ms</c> and <c>p99_frame_ms</c>
/// (wall-clock times) is a function of the seed and the options alone (and of the checkpoint resumed from). Hit rates
/// and losses cover the turrets whose sensors work; <c>contained_per_frame</c> is the mean number of entities the
/// pipeline left out of a tick for NaN or infinite data (a broken sensor's learner and aimer: two per turret);
/// <c>fingerprint</c> is <see cref="EmbeddedLearn.Training.ModelFingerprint"/> of everything learned (the same on
/// every CPU).</summary>
internal static class SummaryWriter
{
    public static void Write(ArenaScene scene, MetricsHistory history, int seed, string path)
    {
        using FileStream file = File.Create(path);
        using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("seed", seed);
        json.WriteNumber("frames", history.HitRate.Count);
        json.WriteNumber("turrets", scene.TurretCount);
        json.WriteString("backend", scene.Learning.ActiveBackend);
        json.WriteNumber("last_frame", scene.Frames);
        json.WriteNumber("bad_sensor_turrets", scene.BadSensorCount);
        json.WriteNumber("contained_per_frame", history.LeftOut.Count == 0 ? 0 : history.LeftOut.Average());
        json.WriteNumber("steps_skipped_per_frame", history.StepsSkipped.Count == 0 ? 0 : history.StepsSkipped.Average());
        json.WriteNumber("quarantined", scene.QuarantinedCount);
        json.WriteString("fingerprint", EmbeddedLearn.Training.ModelFingerprint.Of(scene.World));
        WriteFigures(json, history.HitRate, history.MeanLoss);
        json.WriteNumber("p50_frame_ms", MetricsHistory.Percentile(history.FrameMs, 0.50));
        json.WriteNumber("p99_frame_ms", MetricsHistory.Percentile(history.FrameMs, 0.99));
        json.WriteStartArray("groups");
        foreach (TurretGroup group in scene.Groups)
        {
            json.WriteStartObject();
            json.WriteString("name", group.Spec.Name);
            json.WriteNumber("turrets", group.Turrets.Count);
            json.WriteNumber("bad_sensor_turrets", group.BadSensors);
            json.WriteNumber("learning_rate", group.LearningRate);
            WriteFigures(json, history.GroupHitRate[group.Index], history.GroupMeanLoss[group.Index]);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteFigures(Utf8JsonWriter json, List<double> hitRate, List<double> meanLoss)
    {
        json.WriteNumber("hit_rate_first_20pct", MetricsHistory.FirstFifth(hitRate));
        json.WriteNumber("hit_rate_last_20pct", MetricsHistory.LastFifth(hitRate));
        json.WriteNumber("mean_loss_first_20pct", MetricsHistory.FirstFifth(meanLoss));
        json.WriteNumber("mean_loss_last_20pct", MetricsHistory.LastFifth(meanLoss));
    }
}
