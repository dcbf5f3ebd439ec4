using System.Text.Json;
using EmbeddedLearn.Components;
using EmbeddedLearn.Demos.Arena;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>Containment in the arena. <c>--bad-sensors FRACTION</c>: broken turrets see NaN every frame; the pipeline
/// leaves them out, the run goes on, and the healthy turrets learn exactly what they learn without the broken ones. A
/// diverging group is quarantined and counted while the others train.</summary>
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

    [Fact]
    public void A_diverging_group_is_quarantined_and_counted_while_the_others_learn_and_the_page_still_gets_its_messages()
    {
        using ArenaScene scene = Scene(badSensors: 0);
        scene.SetLearningRate(scene.Groups[1], 1e30f); // SGD with a learning rate no model survives
        var stats = new LiveStats();
        var writer = new SnapshotWriter();
        int skipped = 0;
        for (int f = 0; f < 60; f++)
        {
            scene.Frame();
            stats.Add(scene);
            skipped += scene.LastReport!.StepsSkipped.Length;
            writer.WriteState(scene, stats, writer.WritePoint(scene, stats), notice: null);
        }

        Assert.Equal(8, scene.QuarantinedCount); // every learner of group 1, after 3 failed steps in a row
        Assert.Equal(8 * TrainingSettings.DefaultFailuresBeforeQuarantine, skipped);
        Assert.All(scene.Groups[1].Turrets, t => Assert.True(scene.World.Has<Quarantined>(t.Learner)));
        Assert.Equal(8, stats.Quarantined);
        JsonElement point = JsonDocument.Parse(writer.WritePoint(scene, stats)).RootElement;
        Assert.Equal(8, point.GetProperty("quarantined").GetInt32());
        Assert.Equal(16, scene.Learning.LastTrained); // groups 0 and 2 still train
        Assert.All(scene.Groups[0].Turrets.Concat(scene.Groups[2].Turrets), t => Assert.Equal(TickOutcome.None, scene.World.Get<TrainingState>(t.Learner).Outcome));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static float[] Parameters(ArenaScene scene, int group, int turret) =>
        scene.World.GetSpan<float>(scene.Groups[group].Turrets[turret].Learner, scene.Groups[group].Model.Parameters).ToArray();

    private static ArenaScene Scene(double badSensors) =>
        new ArenaOptions(TurretsPerGroup: 8, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 9, badSensors).CreateScene(log: null);
}
