using EmbeddedLearn.Demos.Arena;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>
/// The foragers scene in a real headless Chromium, chosen on the page (<c>?scene=foragers</c>) of a server started with
/// the default turret scene: it draws frames, a screenshot is saved (to EMBEDDEDLEARN_FORAGERS_SCREENSHOT when set, else
/// beside the test assembly), its greedy and pause controls take effect, and a malformed or refused message gets an error
/// reply. EMBEDDEDLEARN_ARENA_URL names a running server instead (started with either scene).
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ForagerBrowserTests
{
    [Fact]
    public async Task The_foragers_page_draws_the_field_obeys_its_controls_and_refuses_bad_messages()
    {
        await using BrowserSession session = await BrowserSession.OpenAsync(
            new ArenaOptions(TurretsPerGroup: 4, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 3, ForagersPerGroup: 60));
        await session.Page.GotoAsync(session.Address + "?scene=turrets");

        // The scene select reloads the page on the foragers scene (whichever scene the server started with).
        await session.WaitForAsync("window.arena && window.arena.states >= 1 && window.arena.last.scene === 'turrets'");
        await session.Page.SelectOptionAsync("#scene", "foragers");
        await session.WaitForAsync("location.search === '?scene=foragers' && window.arena && window.arena.states >= 3");
        Assert.Equal("foragers", await session.Page.EvaluateAsync<string>("window.arena.last.scene"));
        Assert.Equal(3, await session.Page.EvaluateAsync<int>("window.arena.last.groups.length"));
        Assert.False(await session.Page.IsDisabledAsync("#switchBackend"));
        string before = await session.CanvasAsync();
        int states = await session.Page.EvaluateAsync<int>("window.arena.states");
        await session.WaitForAsync("window.arena.states >= " + (states + 2));
        Assert.NotEqual(before, await session.CanvasAsync());
        await session.ScreenshotAsync("EMBEDDEDLEARN_FORAGERS_SCREENSHOT", "foragers-browser.png");

        // At 1400 x 1000 every control is in view, and the stage chart's legend names its 12 stages in full.
        await session.AssertControlsInViewAsync();
        await session.AssertStageLegendCompleteAsync(stages: 12);

        // Greedy: the learning groups' epsilon drops to 0; back to exploring.
        await session.Page.ClickAsync("#greedy");
        await session.WaitForAsync("window.arena.last.point.greedy && window.arena.last.groups[0].epsilon === 0");
        await session.Page.ClickAsync("#greedy");
        await session.WaitForAsync("!window.arena.last.point.greedy && window.arena.last.groups[0].epsilon > 0");

        // Pause: no agent trains; resume.
        await session.Page.ClickAsync("#pause");
        await session.WaitForAsync("window.arena.last.point.paused && window.arena.last.point.trained === 0");
        await session.Page.ClickAsync("#pause");
        await session.WaitForAsync("!window.arena.last.point.paused");

        // Malformed and refused messages: an error reply, nothing changes.
        await session.SendAsync("'{not json'", "error: not JSON");
        // The backend: to OpenCL (the device, or the CPU saying why not) and back.
        await session.SendAsync("JSON.stringify({ type: 'backend', kind: 'opencl' })", "ok: Backend");
        await session.WaitForAsync("window.arena.last.backendDescription.includes('(OpenCl asked for')");
        await session.SendAsync("JSON.stringify({ type: 'backend', kind: 'cpu' })", "ok: Backend");
        await session.WaitForAsync("window.arena.last.backendDescription === 'CPU backend (asked for)'");
        await session.SendAsync("JSON.stringify({ type: 'learningRate', group: 1, value: 0 })", "error: learningRate: \"value\" must be a number in [1E-06, 1]; got 0");
        states = await session.Page.EvaluateAsync<int>("window.arena.states");
        await session.WaitForAsync("window.arena.states >= " + (states + 2));
        Assert.Equal(0.003, await session.Page.EvaluateAsync<double>("window.arena.last.groups[1].learningRate"), 6);

        // The random group has no model: a learning rate for it is refused, saying why; its row offers none.
        Assert.Equal(0, await session.Page.Locator("#lr2").CountAsync());
        await session.SendAsync("JSON.stringify({ type: 'learningRate', group: 2, value: 0.01 })", "error: learningRate: group 2 (G3, Random moves (baseline)) moves at random");

        // A learning rate set from a group's row: its title follows.
        await session.Page.FillAsync("#lr1", "0.001");
        await session.Page.ClickAsync("#setLr1");
        await session.WaitForAsync("document.getElementById('groupTitle1').textContent === 'Double-DQN 6-32-4 relu, Adam lr 0.001'");
    }
}
