using System.Text.Json;
using EmbeddedLearn.Demos.Arena;
using EmbeddedLearn.Demos.Arena.Foragers;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>The foragers' drawing (one list for the page and the headless snapshot) and the state message around it.</summary>
public sealed class ForagerDrawingTests
{
    [Fact]
    public void Every_food_agent_and_hunter_is_drawn_at_its_place_in_its_groups_field()
    {
        using ForagersScene scene = Scene();
        var drawing = new DrawList();

        ForagerPainter.Paint(scene, drawing);

        // Background, then per group its bar and block, its 4 food items, 12 agents, and 1 hunter (dot and ring).
        Assert.Equal(1 + (3 * (2 + 4 + 12 + 2)), drawing.Count);
        float side = (960 - 40) / 3f, top = 26 + ((364 - side) / 2);
        ForagerGroup group = scene.Groups[1];
        DrawCommand agent = drawing.Commands[1 + 20 + 2 + 4]; // group 1's first agent
        Assert.Equal(DrawKind.FillCircle, agent.Kind);
        Assert.Equal(20 + side + (group.X[0] * side), agent.A, 3);
        Assert.Equal(top + ((1 - group.Y[0]) * side), agent.B, 3);
        Assert.Equal(group.Colour, agent.Colour);
        DrawCommand ring = drawing.Commands[1 + 20 + 20 - 1]; // group 1's hunter ring: the catch radius in pixels
        Assert.Equal(DrawKind.Ring, ring.Kind);
        Assert.Equal(ForagersScene.CatchRadius * side, ring.C, 3);
    }

    [Fact]
    public void The_state_message_carries_the_drawing_and_every_groups_reward()
    {
        using ForagersScene scene = Scene();
        var live = new ForagerLive(scene);
        Assert.Null(live.Publish(notice: null)); // nothing to show before a decision

        for (int f = 0; f < 70; f++)
        {
            live.Frame(log: null); // past the 64 transitions an agent needs before it trains
        }

        Assert.NotNull(live.Publish(notice: null));
        double[] rewards = new double[3];
        for (int f = 0; f < 4; f++)
        {
            live.Frame(log: null);
            for (int g = 0; g < 3; g++)
            {
                rewards[g] += scene.Groups[g].MeanReward / 4;
            }
        }

        JsonElement state = JsonDocument.Parse(live.Publish("hello")!.Value.State).RootElement;
        Assert.Equal("foragers", state.GetProperty("scene").GetString());
        Assert.Equal("hello", state.GetProperty("notice").GetString());
        Assert.Equal(6 * 61, state.GetProperty("draw").GetArrayLength());
        Assert.Equal([true, true, false], state.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("learns").GetBoolean()));
        JsonElement point = state.GetProperty("point");
        Assert.Equal(24, point.GetProperty("trained").GetInt32());
        double[] sent = [.. point.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("reward").GetDouble())];
        Assert.Equal(3, sent.Length);
        for (int g = 0; g < 3; g++)
        {
            Assert.Equal(rewards[g], sent[g], 4); // the mean over the window's decisions, rounded to 5 decimals
        }
        Assert.Contains("Act", point.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
    }

    private static ForagersScene Scene() =>
        new ArenaOptions(TurretsPerGroup: 1, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 4, Scene: ArenaOptions.Foragers, ForagersPerGroup: 12).CreateForagers();
}
