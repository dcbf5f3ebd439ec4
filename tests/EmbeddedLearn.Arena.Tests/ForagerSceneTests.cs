using System.Text;
using EmbeddedLearn.Components;
using EmbeddedLearn.Demos.Arena;
using EmbeddedLearn.Demos.Arena.Foragers;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Reinforcement;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>The foragers scene frame by frame: what each control does (switching to OpenCL and back among them), the
/// field's rules, zero allocation, and the controls the scene refuses.</summary>
public sealed class ForagerSceneTests
{
    [Fact]
    public void Paused_learning_still_acts_but_trains_no_one_and_leaves_every_weight_as_it_was()
    {
        using ForagersScene scene = Scene();
        Run(scene, 100);
        scene.Learning.Paused = true;
        float[] before = Parameters(scene);
        long decisions = Decisions(scene);

        Run(scene, 20);

        Assert.Equal(before, Parameters(scene));
        Assert.Equal(0, scene.Learning.LastTrained);
        Assert.Equal(decisions + 20, Decisions(scene));
        scene.Learning.Paused = false;
        Run(scene, 1);
        Assert.Equal(scene.LearningAgents, scene.Learning.LastTrained);
        Assert.NotEqual(before, Parameters(scene));
    }

    [Fact]
    public void Greedy_mode_takes_the_best_action_with_epsilon_zero_and_switching_back_restores_the_schedule()
    {
        using ForagersScene scene = Scene();
        Run(scene, 10);

        scene.SetGreedy(true);
        Run(scene, 1);

        foreach (ForagerGroup group in scene.Groups.Where(g => g.Spec.Learns))
        {
            Assert.All(group.Agents, a => Assert.Equal(0f, scene.World.Get<QAgentState>(a).Epsilon));
            Assert.All(group.Agents, a => Assert.False(scene.World.Get<QAgentState>(a).Explored));
        }

        scene.SetGreedy(false);
        Run(scene, 1);
        Assert.All(scene.Groups[0].Agents, a => Assert.True(scene.World.Get<QAgentState>(a).Epsilon > 0.9f));
    }

    [Fact]
    public void Resetting_a_group_gives_it_fresh_agents_and_leaves_the_other_group_alone()
    {
        using ForagersScene scene = Scene();
        Run(scene, 120);
        long others = scene.World.Get<QAgentState>(scene.Groups[1].Agents[0]).Decisions;

        scene.Reset(scene.Groups[0]);
        Run(scene, 1);

        Assert.All(scene.Groups[0].Agents, a => Assert.Equal(1, scene.World.Get<QAgentState>(a).Decisions));
        Assert.All(scene.Groups[0].Agents, a => Assert.Equal(1, scene.World.Get<ReplayState>(a).Count));
        Assert.Equal(others + 1, scene.World.Get<QAgentState>(scene.Groups[1].Agents[0]).Decisions);
        Assert.Equal(1, scene.Groups[0].Resets);
    }

    [Fact]
    public void A_new_learning_rate_reaches_every_agent_of_the_group_and_only_that_group()
    {
        using ForagersScene scene = Scene();

        scene.SetLearningRate(scene.Groups[1], 0.02f);

        Assert.All(scene.Groups[1].Agents, a => Assert.Equal(0.02f, scene.World.Get<TrainingSettings>(a).LearningRate));
        Assert.All(scene.Groups[1].Agents, a => Assert.Equal(OptimizerKind.Adam, scene.World.Get<TrainingSettings>(a).Optimizer));
        Assert.All(scene.Groups[0].Agents, a => Assert.Equal(0.003f, scene.World.Get<TrainingSettings>(a).LearningRate));
    }

    [Fact]
    public void Every_decision_records_one_transition_per_learning_agent_with_the_move_it_took()
    {
        using ForagersScene scene = Scene();
        ForagerGroup group = scene.Groups[0];
        QAgentSpec spec = ForagerLearning.SpecOf(group);
        float[] observation = group.Observation.AsSpan(0, ForagersScene.ObservationWidth).ToArray();

        Run(scene, 1);

        Entity agent = group.Agents[0];
        Assert.Equal(1, scene.World.Get<ReplayState>(agent).Added);
        ReadOnlySpan<float> stored = scene.World.GetSpan<float>(agent, spec.ReplayBuffer)[..spec.TransitionWidth];
        Assert.Equal(observation, stored[..ForagersScene.ObservationWidth].ToArray());
        Assert.Equal(group.Action[0], (int)stored[ForagersScene.ObservationWidth]);
        Assert.Equal(scene.World.Get<QAgentState>(agent).Action, group.Action[0]);
        Assert.Equal(group.Observation.AsSpan(0, ForagersScene.ObservationWidth).ToArray(),
            stored[(ForagersScene.ObservationWidth + 3)..].ToArray());
    }

    [Fact]
    public void With_a_decision_every_4_frames_an_agent_repeats_its_move_and_records_one_transition_per_decision()
    {
        using ForagersScene scene = new ArenaOptions(TurretsPerGroup: 1, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 2,
            Scene: ArenaOptions.Foragers, ForagersPerGroup: 12, DecisionFrames: 4).CreateForagers();
        ForagerGroup group = scene.Groups[0];
        Entity agent = group.Agents[0];
        var path = new List<(float X, float Y)>();

        for (int f = 0; f < 8; f++)
        {
            scene.Frame();
            path.Add((group.X[0], group.Y[0]));
            Assert.Equal((f % 4) == 3, scene.DecisionClosed);
        }

        Assert.Equal(2, scene.World.Get<QAgentState>(agent).Decisions);
        Assert.Equal(2, scene.World.Get<ReplayState>(agent).Added);
        Assert.Equal(2, scene.Decisions);
        int action = (int)scene.World.GetSpan<float>(agent, ForagerLearning.SpecOf(group).ReplayBuffer)[ForagersScene.ObservationWidth];
        (float dx, float dy) = action switch { 0 => (0f, 1f), 1 => (0f, -1f), 2 => (-1f, 0f), _ => (1f, 0f) };
        for (int f = 1; f < 4; f++)
        {
            // The first decision's move, frame after frame (unless a wall stops it).
            float x = Math.Clamp(path[f - 1].X + (dx * ForagersScene.Speed), 0, 1), y = Math.Clamp(path[f - 1].Y + (dy * ForagersScene.Speed), 0, 1);
            Assert.Equal(x, path[f].X, 6);
            Assert.Equal(y, path[f].Y, 6);
        }
    }

    [Fact]
    public void A_steady_state_frame_allocates_nothing()
    {
        using ForagersScene scene = Scene();

        // One pipeline thread: the frame runs on this thread alone.
        Assert.Equal(0, Allocations.OnThisThread(() => Run(scene, 200), () => Run(scene, 60)));
    }

    [Theory]
    [InlineData("{\"type\":\"addTurrets\",\"group\":0,\"count\":4}", "addTurrets: the foragers scene has no turrets")]
    [InlineData("{\"type\":\"greedy\",\"value\":1}", "greedy: \"value\" must be true or false; got 1")]
    [InlineData("{\"type\":\"greedy\"}", "greedy: field \"value\" is missing")]
    [InlineData("{\"type\":\"reset\",\"group\":3}", "reset: \"group\" must be an integer in [0, 2]; got 3")]
    public void The_foragers_scene_refuses_controls_it_has_no_use_for_with_the_reason(string message, string error)
    {
        Assert.Null(ControlParser.Parse(Encoding.UTF8.GetBytes(message), groups: 3, turrets: 0, ArenaOptions.Foragers, out string? reason));
        Assert.Equal(error, reason);
    }

    [Fact]
    public void Greedy_is_a_foragers_control_only()
    {
        byte[] message = Encoding.UTF8.GetBytes("{\"type\":\"greedy\",\"value\":true}");

        Assert.Equal(new ControlCommand(ControlKind.Greedy, Value: 1), ControlParser.Parse(message, 3, 0, ArenaOptions.Foragers, out _));
        Assert.Null(ControlParser.Parse(message, 3, 0, out string? error));
        Assert.Equal("unknown control type \"greedy\"", error);
    }

    [Fact]
    public void A_decision_period_outside_1_to_8_frames_is_refused_with_its_name()
    {
        using var learning = new ForagerLearning(threads: 1, budgetMs: null);
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => new ForagersScene(ForagerGroupSpec.Defaults, 4, seed: 1, decisionFrames: 9, learning));
        Assert.Equal("decisionFrames", refused.ParamName);
    }

    [Fact]
    public void Switching_to_OpenCL_mid_run_and_back_keeps_what_was_learned_and_every_count()
    {
        using ForagersScene scene = Scene();
        Run(scene, 120);
        float[] learned = Parameters(scene);
        scene.Learning.SwitchBackend(scene.World, ArenaBackend.OpenCl);
        if (scene.Learning.ActiveBackend != "OpenCL" && Environment.GetEnvironmentVariable("EMBEDDEDLEARN_REQUIRE_OPENCL") == "1")
        {
            Assert.Fail("EMBEDDEDLEARN_REQUIRE_OPENCL=1 but OpenCL is unavailable: " + scene.Learning.BackendDescription);
        }

        Assert.SkipWhen(scene.Learning.ActiveBackend != "OpenCL", scene.Learning.BackendDescription);
        Assert.Equal(learned, Parameters(scene));
        Run(scene, 60);
        Assert.Equal(180, Decisions(scene));
        Assert.Equal(scene.LearningAgents, scene.Learning.LastTrained);
        HostResidency.BeforeHostRead(scene.World); // a read of resident state: the device's weights come home
        Assert.NotEqual(learned, Parameters(scene));

        // Paused (acting on the CPU): the device's weights come home and stay; resumed, the device trains again.
        scene.Learning.Paused = true;
        Run(scene, 1);
        float[] paused = Parameters(scene);
        Run(scene, 5);
        Assert.Equal(paused, Parameters(scene));
        scene.Learning.Paused = false;
        Run(scene, 30);
        Assert.Equal(216, Decisions(scene));
        HostResidency.BeforeHostRead(scene.World);
        Assert.NotEqual(paused, Parameters(scene));

        // A training budget on the device (measured in device time): the pipeline is made anew on the same backend.
        scene.Learning.SetBudget(50);
        Assert.Equal("OpenCL", scene.Learning.ActiveBackend);
        Run(scene, 4);
        Assert.Equal(220, Decisions(scene));
        Assert.True(scene.Learning.LastTrained > 0);
        scene.Learning.SetBudget(null);
        Assert.Equal(scene.LearningAgents, scene.Learning.LastTrained);

        scene.Learning.SwitchBackend(scene.World, ArenaBackend.Cpu);
        Assert.Equal("CPU", scene.Learning.ActiveBackend);
        float[] fromDevice = Parameters(scene);
        Run(scene, 1);
        Assert.Equal(221, Decisions(scene));
        Assert.NotEqual(fromDevice, Parameters(scene));
    }

    private static ForagersScene Scene() =>
        new ArenaOptions(TurretsPerGroup: 1, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 2, Scene: ArenaOptions.Foragers, ForagersPerGroup: 12).CreateForagers();

    private static void Run(ForagersScene scene, int frames)
    {
        for (int i = 0; i < frames; i++)
        {
            scene.Frame();
        }
    }

    private static long Decisions(ForagersScene scene) => scene.World.Get<QAgentState>(scene.Groups[0].Agents[0]).Decisions;

    private static float[] Parameters(ForagersScene scene) =>
        [.. scene.Groups.Where(g => g.Spec.Learns).SelectMany(g => g.Agents.SelectMany(a => scene.World.GetSpan<float>(a, ForagerLearning.SpecOf(g).Model.Parameters).ToArray()))];
}
