using EmbeddedLearn.Demos.Arena;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>
/// The steering scene in a real headless Chromium, chosen on the page (<c>?scene=steering</c>) of a server started with
/// the default turret scene: it draws frames and both charts, a screenshot is saved (to
/// EMBEDDEDLEARN_STEERING_SCREENSHOT when set, else beside the test assembly), its greedy and pause controls take effect,
/// and a malformed or refused message gets an error reply. EMBEDDEDLEARN_ARENA_URL names a running server instead.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class SteeringBrowserTests
{
    [Fact]
    public async Task The_steering_page_draws_the_fields_obeys_its_controls_and_refuses_bad_messages()
    {
        await using BrowserSession session = await BrowserSession.OpenAsync(
            new ArenaOptions(TurretsPerGroup: 4, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 3, SteeringAgentsPerGroup: 24));
        await session.Page.GotoAsync(session.Address + "?scene=turrets");

        // The scene select reloads the page on the steering scene.
        await session.WaitForAsync("window.arena && window.arena.states >= 1 && window.arena.last.scene === 'turrets'");
        await session.Page.SelectOptionAsync("#scene", "steering");
        await session.WaitForAsync("location.search === '?scene=steering' && window.arena && window.arena.states >= 3");
        Assert.Equal("steering", await session.Page.EvaluateAsync<string>("window.arena.last.scene"));
        int groups = await session.Page.EvaluateAsync<int>("window.arena.last.groups.length");
        Assert.Equal(SteeringGroupCount(), groups);
        Assert.Equal("EmbeddedLearn arena: agents learning to steer (continuous turn rate and thrust)", await session.Page.TextContentAsync("#title"));
        string before = await session.CanvasAsync();
        int states = await session.Page.EvaluateAsync<int>("window.arena.states");
        await session.WaitForAsync("window.arena.states >= " + (states + 2));
        Assert.NotEqual(before, await session.CanvasAsync());
        Assert.True(await session.Page.EvaluateAsync<bool>("window.arena.history.steerReward.length === " + groups + " && window.arena.history.goals[0].length > 0"));
        await session.ScreenshotAsync("EMBEDDEDLEARN_STEERING_SCREENSHOT", "steering-browser.png");
        await session.AssertControlsInViewAsync();

        // Greedy (act on the mean) and back; pause and resume.
        await session.Page.ClickAsync("#greedy");
        await session.WaitForAsync("window.arena.last.point.greedy");
        await session.Page.ClickAsync("#greedy");
        await session.WaitForAsync("!window.arena.last.point.greedy");
        await session.Page.ClickAsync("#pause");
        await session.WaitForAsync("window.arena.last.point.paused && window.arena.last.point.trained === 0");
        await session.Page.ClickAsync("#pause");
        await session.WaitForAsync("!window.arena.last.point.paused");

        // Malformed and refused messages: an error reply, nothing changes.
        await session.SendAsync("'{not json'", "error: not JSON");
        int heuristic = await session.Page.EvaluateAsync<int>("window.arena.last.groups.findIndex(g => g.policy === 'Heuristic')");
        Assert.Equal(0, await session.Page.Locator("#lr" + heuristic).CountAsync());
        await session.SendAsync("JSON.stringify({ type: 'reset', group: " + heuristic + " })",
            "error: reset: group " + heuristic + " (G" + (heuristic + 1) + ", Steering heuristic (hand-written)) steers by hand-written rules");
    }

    private static int SteeringGroupCount() => EmbeddedLearn.Demos.Arena.Steering.SteeringGroupSpec.Defaults.Count;
}
