using System.Text.Json;
using EmbeddedLearn.Components;
using EmbeddedLearn.Demos.Arena;

namespace EmbeddedLearn.Arena.Tests;

/// <summary><c>--bad-sensors FRACTION</c>: broken turrets see NaN every frame; the pipeline leaves them out, the run goes
/// on, and the healthy turrets learn exactly what they learn without the broken ones.</summary>
public sealed class BadSensorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("arena-bad-sensors-").FullName;

    [Fact]
    public void Healthy_turrets_learn_bit_for_bit_as_they_do_without_the_broken_ones_and_every_frame_contains_the_broken()
    {
        using ArenaScene clean = Scene(badSensors: 0), broken = Scene(badSensors: 0.25);
        var history = new MetricsHistory(broken.Groups.Count);
        for (int f = 0; f < 300; f++)
        {
            clean.Frame();
            broken.Frame();
            history.Record(broken);
            Assert.Equal(2 * broken.BadSensorCount, broken.LastReport!.LeftOut.Length); // its learner and its aimer
        }

        Assert.Equal(6, broken.BadSensorCount); // 2 of 8 in each group
        Assert.All(broken.Groups, g => Assert.Equal(2, g.BadSensors));
        Assert.Equal(0, broken.QuarantinedCount); // left out is not a failure: nothing to quarantine
        for (int g = 0; g < broken.Groups.Count; g++)
        {
            TurretGroup group = broken.Groups[g];
            for (int i = 0; i < group.Turrets.Count; i++)
            {
                if (group.Turrets[i].BadSensor)
                {
                    Assert.Equal(0, broken.World.Get<TrainingState>(group.Turrets[i].Learner).BackwardPasses);
                }
                else
                {
                    Assert.Equal(Parameters(clean, g, i), Parameters(broken, g, i));
                }
            }
        }

        Assert.True(MetricsHistory.LastFifth(history.HitRate) > MetricsHistory.FirstFifth(history.HitRate) + 0.2,
            MetricsHistory.FirstFifth(history.HitRate) + " -> " + MetricsHistory.LastFifth(history.HitRate));
    }

    [Fact]
    public void A_headless_run_with_every_sensor_broken_completes_and_reports_what_it_contained()
    {
        using (ArenaScene scene = Scene(badSensors: 1))
        {
            HeadlessRun.Run(scene, frames: 30, _directory, output: null);
        }

        JsonElement summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "summary.json"))).RootElement;
        Assert.Equal(24, summary.GetProperty("bad_sensor_turrets").GetInt32());
        Assert.Equal(48, summary.GetProperty("contained_per_frame").GetDouble());
        Assert.Equal(0, summary.GetProperty("steps_skipped_per_frame").GetDouble());
        Assert.Equal(0, summary.GetProperty("quarantined").GetInt32());
        Assert.Equal(0, summary.GetProperty("hit_rate_last_20pct").GetDouble());
    }

    [Fact]
    public void A_steady_state_frame_with_broken_sensors_allocates_nothing()
    {
        using ArenaScene scene = Scene(badSensors: 0.5);
        for (int f = 0; f < 100; f++)
        {
            scene.Frame();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int f = 0; f < 30; f++)
        {
            scene.Frame();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static float[] Parameters(ArenaScene scene, int group, int turret) =>
        scene.World.GetSpan<float>(scene.Groups[group].Turrets[turret].Learner, scene.Groups[group].Model.Parameters).ToArray();

    private static ArenaScene Scene(double badSensors) =>
        new ArenaOptions(TurretsPerGroup: 8, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 9, badSensors).CreateScene(log: null);
}
