using System.Text;
using System.Text.Json;
using EmbeddedLearn.Demos.Arena;
using EmbeddedLearn.Demos.Arena.Steering;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>The steering scene's live view: the control messages it takes and refuses (with the reason), and its chart
/// point and state message.</summary>
public sealed class SteeringLiveTests
{
    [Theory]
    [InlineData("""{"type":"reset","group":0}""", "reset: group 0 (G1, Steering heuristic (hand-written)) steers by hand-written rules and has no model to reset")]
    [InlineData("""{"type":"learningRate","group":1,"value":0.01}""", "learningRate: group 1 (G2, Random actions (baseline)) acts at random and has no model, so no learning rate")]
    [InlineData("""{"type":"addTurrets","group":0,"count":4}""", "addTurrets: the steering scene has no turrets")]
    [InlineData("""{"type":"reset","group":2}""", "reset: \"group\" must be an integer in [0, 1]; got 2")]
    [InlineData("""{"type":"greedy","value":1}""", "greedy: \"value\" must be true or false; got 1")]
    public void Messages_that_do_not_apply_to_the_scene_are_refused_with_the_reason(string json, string expected)
    {
        using var live = new SteeringLive(SteeringSceneTests.Scene());

        Assert.Null(live.Parse(Encoding.UTF8.GetBytes(json), out string? error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Pause_greedy_budget_and_the_cpu_backend_are_taken_and_applied()
    {
        using var live = new SteeringLive(SteeringSceneTests.Scene());

        Assert.Equal("Pause applied at frame 1", live.Apply(Parse(live, """{"type":"pause"}""")));
        Assert.True(live.Scene.Paused);
        live.Apply(Parse(live, """{"type":"greedy","value":true}"""));
        Assert.True(live.Scene.Greedy);
        live.Apply(Parse(live, """{"type":"budget","ms":2.5}"""));
        Assert.Equal(2.5, live.Scene.BudgetMs);
        live.Apply(Parse(live, """{"type":"backend","kind":"cpu"}"""));
        live.Apply(Parse(live, """{"type":"resume"}"""));
        Assert.False(live.Scene.Paused);
    }

    [Fact]
    public void The_state_message_carries_every_groups_figures_and_the_drawing()
    {
        using var live = new SteeringLive(SteeringSceneTests.Scene(decisionFrames: 4));
        Assert.Null(live.Publish(notice: null)); // nothing to show before a decision

        double[] rewards = new double[2];
        for (int f = 0; f < 8; f++)
        {
            live.Frame(log: null);
            if (live.Scene.DecisionClosed)
            {
                rewards[0] += live.Scene.Groups[0].MeanReward / 2;
                rewards[1] += live.Scene.Groups[1].MeanReward / 2;
            }
        }

        JsonElement state = JsonDocument.Parse(live.Publish("hello")!.Value.State).RootElement;
        Assert.Equal("steering", state.GetProperty("scene").GetString());
        Assert.Equal("hello", state.GetProperty("notice").GetString());
        Assert.Equal(8, state.GetProperty("frame").GetInt64());
        // Per group: bar and block, 7 hazards (disc and ring), 12 trails of 24 points, 16 goals, 16 agents with their heading dot.
        Assert.Equal(6 * (1 + (2 * (2 + 14 + (12 * 24) + 16 + 32))), state.GetProperty("draw").GetArrayLength());
        JsonElement[] groups = [.. state.GetProperty("groups").EnumerateArray()];
        Assert.Equal(["Heuristic", "Random"], groups.Select(g => g.GetProperty("policy").GetString()));
        Assert.All(groups, g => Assert.False(g.GetProperty("learns").GetBoolean()));
        Assert.All(groups, g => Assert.Equal(16, g.GetProperty("agents").GetInt32()));
        Assert.Equal(live.Scene.Groups[0].GoalsReached, groups[0].GetProperty("goalsReached").GetInt64());
        JsonElement point = state.GetProperty("point");
        Assert.Equal(Math.Round(rewards[0], 5), point.GetProperty("groups")[0].GetProperty("reward").GetDouble(), 5);
        Assert.Equal(Math.Round(rewards[1], 5), point.GetProperty("groups")[1].GetProperty("reward").GetDouble(), 5);
        Assert.True(point.GetProperty("groups")[0].TryGetProperty("goals", out _));
        Assert.Null(live.Publish(notice: null)); // every figure was handed out
    }

    private static ControlCommand Parse(SteeringLive live, string json) =>
        live.Parse(Encoding.UTF8.GetBytes(json), out string? error) ?? throw new InvalidOperationException(error);
}
