using EmbeddedLearn.Demos.Arena;
using Microsoft.Playwright;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>
/// The live page in a real headless Chromium: it draws frames, a control takes effect, a malformed message gets an
/// error reply and changes nothing, and a screenshot is saved (to EMBEDDEDLEARN_ARENA_SCREENSHOT when set, else beside
/// the test assembly). The arena server runs in-process on a free loopback port, or EMBEDDEDLEARN_ARENA_URL names
/// a running one (how the README's screenshot is taken).
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ArenaBrowserTests
{
    [Fact]
    public async Task The_page_draws_the_arena_obeys_its_controls_and_refuses_malformed_messages()
    {
        await using BrowserSession session = await BrowserSession.OpenAsync(new ArenaOptions(TurretsPerGroup: 16, Threads: 1, BudgetMs: 4, ArenaBackend.Cpu, Seed: 3));
        IPage page = session.Page;
        await page.GotoAsync(session.Address);

        // Frames arrive and the canvas changes between them.
        await session.WaitForAsync("window.arena && window.arena.states >= 3");
        string before = await session.CanvasAsync();
        int states = await page.EvaluateAsync<int>("window.arena.states");
        await session.WaitForAsync("window.arena.states >= " + (states + 2));
        Assert.NotEqual(before, await session.CanvasAsync());
        await session.ScreenshotAsync("EMBEDDEDLEARN_ARENA_SCREENSHOT", "arena-browser.png");

        // At 1400 x 1000 every control is in view, and the stage chart's legend names its 8 stages in full.
        await session.AssertControlsInViewAsync();
        await session.AssertStageLegendCompleteAsync(stages: 8);

        // Pause: nothing trains and every group's loss curve goes flat; resume: training comes back.
        await page.ClickAsync("#pause");
        await session.WaitForAsync("window.arena.last.point.paused");
        states = await page.EvaluateAsync<int>("window.arena.states");
        await session.WaitForAsync("window.arena.states >= " + (states + 4));
        Assert.Equal("paused", await page.TextContentAsync("#learning"));
        Assert.True(await page.EvaluateAsync<bool>(
            "(() => { const h = window.arena.history; return h.trained.slice(-3).every(t => t === 0)"
            + " && h.meanLoss.every(s => s.slice(-3).every(v => v === s[s.length - 1])); })()"));
        await page.ClickAsync("#pause");
        await session.WaitForAsync("!window.arena.last.point.paused && window.arena.last.point.trained > 0");

        // Add turrets to the first group: the next state shows 16 more.
        int turrets = await page.EvaluateAsync<int>("window.arena.last.groups[0].turrets");
        await page.ClickAsync("#add0");
        await session.WaitForAsync("window.arena.last.groups[0].turrets === " + (turrets + 16));

        // Malformed and out-of-range messages: an error reply, nothing changes, the loop goes on.
        await session.SendAsync("'{not json'", "error: not JSON");
        await session.SendAsync("JSON.stringify({ type: 'learningRate', group: 0, value: 5 })", "got 5");
        Assert.Equal("error: learningRate: \"value\" must be a number in [1E-06, 1]; got 5", await page.TextContentAsync("#reply"));
        await session.SendAsync("'x'.repeat(5000)", "error: message too large: 5000 bytes");
        states = await page.EvaluateAsync<int>("window.arena.states");
        await session.WaitForAsync("window.arena.states >= " + (states + 2));
        Assert.Equal(0.01, await page.EvaluateAsync<double>("window.arena.last.groups[0].learningRate"), 6);

        // A learning rate set from the group's row: its title follows.
        Assert.Equal("Adam lr 0.01, 4-16-16-2 tanh", await page.TextContentAsync("#groupTitle0"));
        await page.FillAsync("#lr0", "0.02");
        await page.ClickAsync("#setLr0");
        await session.WaitForAsync("document.getElementById('groupTitle0').textContent === 'Adam lr 0.02, 4-16-16-2 tanh'");
        Assert.Equal("ok: LearningRate", await page.TextContentAsync("#reply"));
    }
}
