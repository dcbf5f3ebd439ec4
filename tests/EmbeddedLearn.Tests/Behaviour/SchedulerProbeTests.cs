using EmbeddedLearn.Ecs;
using EmbeddedLearn.Tests.Training;
using EmbeddedLearn.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Behaviour;

/// <summary>A training cost is only measured when something trains, so the budget re-measures an estimate that says
/// nothing fits: one model (one row, as a shared brain is) whose first, cold tick cost far more than the budget trains
/// again after a probe; one whose training never fits still trains at the probe interval (4, 8, 16, 32, then every 64
/// ticks without training), so its cost keeps being measured. Proved with a fake clock (one unit a microsecond).</summary>
public sealed class SchedulerProbeTests
{
    [Fact]
    public void A_model_whose_cold_first_tick_was_dear_trains_again_after_a_probe_and_then_every_tick()
    {
        // Budget 8 ms, one row so one worker = 6,800 units planned. The first training costs 50,000 units, later ones
        // 2,000. Tick 0 trains unmeasured; tick 1 only infers (inference not yet measured is taken as dear as training,
        // so nothing is left for it); ticks 2-4 leave room but the cold estimate does not fit; tick 5 probes.
        int[] trained = Run(first: 50_000, steady: 2_000, ticks: 20);
        Assert.Equal([0, .. Enumerable.Range(5, 15)], trained);
    }

    [Fact]
    public void A_model_whose_training_never_fits_the_budget_trains_at_the_probe_interval()
    {
        int[] trained = Run(first: 50_000, steady: 50_000, ticks: 200);
        Assert.Equal([0, 5, 13, 29, 61, 125, 189], trained); // after 4, 8, 16, 32, 64, 64 ticks without training
    }

    private static int[] Run(long first, long steady, int ticks)
    {
        (World world, Entity[] _) = SwarmWorld.Uniform(1);
        var clock = new FakeTickClock();
        var stage = new ColdStartStage(clock, first, steady);
        var options = new PipelineOptions { Threads = 2, TrainingBudget = TimeSpan.FromMilliseconds(8), Clock = clock };
        using (world)
        using (var pipeline = new TrainingPipeline([.. TrainingPipeline.DefaultStages(), stage], options))
        {
            for (int tick = 0; tick < ticks; tick++)
            {
                stage.Tick = tick;
                TickReport report = pipeline.Run(world);
                Assert.Equal(stage.TrainedTicks.Contains(tick) ? 1 : 0, report.EntitiesTrained);
            }
        }

        return [.. stage.TrainedTicks];
    }
}
