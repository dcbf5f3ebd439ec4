using EmbeddedLearn.Components;
using EmbeddedLearn.Demos.Arena;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>The controls the page sends, applied to a scene directly (no server, no timing).</summary>
public sealed class ArenaSceneTests
{
    [Fact]
    public void Paused_learning_trains_no_one_and_leaves_every_weight_as_it_was_until_resumed()
    {
        using ArenaScene scene = Scene();
        Run(scene, 60);
        scene.Learning.Paused = true;
        float[] before = Parameters(scene);

        Run(scene, 30);

        Assert.Equal(before, Parameters(scene));
        Assert.Equal(0, scene.Learning.LastTrained);
        scene.Learning.Paused = false;
        Run(scene, 1);
        Assert.Equal(scene.TurretCount, scene.Learning.LastTrained);
        Assert.NotEqual(before, Parameters(scene));
    }

    [Fact]
    public void Resetting_a_group_starts_its_models_afresh_and_leaves_the_other_groups_alone()
    {
        using ArenaScene scene = Scene();
        Run(scene, 300);
        double trainedLoss = scene.Groups[0].MeanLoss, otherLoss = scene.Groups[1].MeanLoss;

        scene.Reset(scene.Groups[0]);
        Run(scene, 1);

        Assert.True(scene.Groups[0].MeanLoss > 10 * trainedLoss, scene.Groups[0].MeanLoss + " vs " + trainedLoss);
        Assert.True(scene.Groups[1].MeanLoss < 2 * otherLoss, scene.Groups[1].MeanLoss + " vs " + otherLoss);
        Assert.Equal(16, scene.Groups[0].Turrets.Count);
    }

    [Fact]
    public void A_new_learning_rate_reaches_every_learner_of_the_group_and_only_that_group()
    {
        using ArenaScene scene = Scene();

        scene.SetLearningRate(scene.Groups[1], 0.02f);

        Assert.All(scene.Groups[1].Turrets, t => Assert.Equal(0.02f, scene.World.Get<TrainingSettings>(t.Learner).LearningRate));
        Assert.All(scene.Groups[1].Turrets, t => Assert.Equal(OptimizerKind.Sgd, scene.World.Get<TrainingSettings>(t.Learner).Optimizer));
        Assert.All(scene.Groups[0].Turrets, t => Assert.Equal(0.01f, scene.World.Get<TrainingSettings>(t.Learner).LearningRate));
    }

    [Fact]
    public void Added_turrets_train_from_the_next_frame()
    {
        using ArenaScene scene = Scene();
        Run(scene, 5);

        scene.AddTurrets(scene.Groups[2], 8);
        Run(scene, 1);

        Assert.Equal(24, scene.Groups[2].Turrets.Count);
        Assert.Equal(scene.TurretCount, scene.Learning.LastTrained);
        Assert.All(scene.Groups[2].Turrets, t => Assert.True(t.Loss > 0));
    }

    [Fact]
    public void A_steady_state_frame_allocates_nothing()
    {
        using ArenaScene scene = Scene();

        // One pipeline thread: the frame runs on this thread alone.
        Assert.Equal(0, Allocations.OnThisThread(() => Run(scene, 200), () => Run(scene, 60)));
    }

    [Fact]
    public void Switching_to_OpenCL_mid_run_keeps_what_was_learned_through_a_pause_and_new_turrets()
    {
        using ArenaScene scene = Scene();
        Run(scene, 300);
        double loss = scene.Groups[0].MeanLoss;

        scene.Learning.SwitchBackend(scene.World, ArenaBackend.OpenCl);
        if (scene.Learning.ActiveBackend != "OpenCL" && Environment.GetEnvironmentVariable("EMBEDDEDLEARN_REQUIRE_OPENCL") == "1")
        {
            Assert.Fail("EMBEDDEDLEARN_REQUIRE_OPENCL=1 but OpenCL is unavailable: " + scene.Learning.Description);
        }

        Assert.SkipWhen(scene.Learning.ActiveBackend != "OpenCL", scene.Learning.Description);
        Run(scene, 2);
        Assert.True(scene.Groups[0].MeanLoss < 3 * loss, scene.Groups[0].MeanLoss + " vs " + loss);
        scene.Learning.Paused = true;
        float[] paused = Parameters(scene);
        Run(scene, 2);
        Assert.Equal(paused, Parameters(scene));
        scene.AddTurrets(scene.Groups[1], 4);
        scene.Learning.Paused = false;
        Run(scene, 2);
        Assert.Equal(scene.TurretCount, scene.Learning.LastTrained);
        Assert.All(scene.Groups[1].Turrets, t => Assert.True(t.Loss > 0 && float.IsFinite(t.Loss)));
        scene.Learning.SwitchBackend(scene.World, ArenaBackend.Cpu);
        Run(scene, 2);
        Assert.Equal("CPU", scene.Learning.ActiveBackend);
        Assert.True(scene.Groups[0].MeanLoss < 3 * loss, scene.Groups[0].MeanLoss + " vs " + loss);
    }

    private static ArenaScene Scene() => new ArenaOptions(TurretsPerGroup: 16, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 2).CreateScene(log: null);

    private static void Run(ArenaScene scene, int frames)
    {
        for (int i = 0; i < frames; i++)
        {
            scene.Frame();
        }
    }

    /// <summary>Every learner's parameters, brought from the device first when OpenCL holds them.</summary>
    private static float[] Parameters(ArenaScene scene)
    {
        ArenaLearning.BeforeHostRead(scene.World);
        return [.. scene.Groups.SelectMany(g => g.Turrets.SelectMany(t => scene.World.GetSpan<float>(t.Learner, g.Model.Parameters).ToArray()))];
    }
}
