using System.Net;
using EmbeddedLearn.Demos.Arena;
using Microsoft.Playwright;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>
/// The live page in a real headless Chromium: it draws frames, a control takes effect, a malformed message gets an
/// error reply and changes nothing, and a screenshot is saved (to EMBEDDEDLEARN_ARENA_SCREENSHOT when set, else beside
/// the test assembly). The arena server runs in-process on a free loopback port, or EMBEDDEDLEARN_ARENA_URL names
/// a running one (how the README's screenshot is taken).
/// </summary>
public sealed class ArenaBrowserTests
{
    private const float Timeout = 30_000;

    [SkippableFact]
    public async Task The_page_draws_the_arena_obeys_its_controls_and_refuses_malformed_messages()
    {
        string chromium = Chromium.Require();
        string? external = Environment.GetEnvironmentVariable("EMBEDDEDLEARN_ARENA_URL");
        using LiveServer? server = external is null
            ? new LiveServer(new ArenaOptions(TurretsPerGroup: 16, Threads: 1, BudgetMs: 4, ArenaBackend.Cpu, Seed: 3),
                IPAddress.Loopback, port: 0, log: null)
            : null;
        server?.Start();
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(
            new() { ExecutablePath = chromium, Headless = true, Args = Chromium.Arguments });
        IPage page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1420, Height = 900 } });
        await page.GotoAsync(external ?? server!.Address);

        // Frames arrive and the canvas changes between them.
        await WaitForAsync(page, "window.arena && window.arena.states >= 3");
        string before = await page.EvaluateAsync<string>("document.getElementById('arena').toDataURL()");
        int states = await page.EvaluateAsync<int>("window.arena.states");
        await WaitForAsync(page, "window.arena.states >= " + (states + 2));
        Assert.NotEqual(before, await page.EvaluateAsync<string>("document.getElementById('arena').toDataURL()"));
        string screenshot = Environment.GetEnvironmentVariable("EMBEDDEDLEARN_ARENA_SCREENSHOT")
            ?? Path.Combine(AppContext.BaseDirectory, "arena-browser.png");
        await page.ScreenshotAsync(new() { Path = screenshot });
        Assert.True(new FileInfo(screenshot).Length > 10_000);

        // Pause: nothing trains and every group's loss curve goes flat; resume: training comes back.
        await page.ClickAsync("#pause");
        await WaitForAsync(page, "window.arena.last.point.paused");
        states = await page.EvaluateAsync<int>("window.arena.states");
        await WaitForAsync(page, "window.arena.states >= " + (states + 4));
        Assert.Equal("paused", await page.TextContentAsync("#learning"));
        Assert.True(await page.EvaluateAsync<bool>(
            "(() => { const h = window.arena.history; return h.trained.slice(-3).every(t => t === 0)"
            + " && h.meanLoss.every(s => s.slice(-3).every(v => v === s[s.length - 1])); })()"));
        await page.ClickAsync("#pause");
        await WaitForAsync(page, "!window.arena.last.point.paused && window.arena.last.point.trained > 0");

        // Add turrets to the first group: the next state shows 16 more.
        int turrets = await page.EvaluateAsync<int>("window.arena.last.groups[0].turrets");
        await page.ClickAsync("#add0");
        await WaitForAsync(page, "window.arena.last.groups[0].turrets === " + (turrets + 16));

        // Malformed and out-of-range messages: an error reply, nothing changes, the loop goes on.
        await page.EvaluateAsync("window.arena.send('{not json')");
        await WaitForAsync(page, "document.getElementById('reply').textContent.startsWith('error: not JSON')");
        await page.EvaluateAsync("window.arena.send(JSON.stringify({ type: 'learningRate', group: 0, value: 5 }))");
        await WaitForAsync(page, "document.getElementById('reply').textContent.includes('got 5')");
        Assert.Equal("error: learningRate: \"value\" must be a number in [1E-06, 1]; got 5", await page.TextContentAsync("#reply"));
        await page.EvaluateAsync("window.arena.send('x'.repeat(5000))");
        await WaitForAsync(page, "document.getElementById('reply').textContent.startsWith('error: message too large: 5000 bytes')");
        states = await page.EvaluateAsync<int>("window.arena.states");
        await WaitForAsync(page, "window.arena.states >= " + (states + 2));
        Assert.Equal(0.01, await page.EvaluateAsync<double>("window.arena.last.groups[0].learningRate"), 6);
    }

    private static async Task WaitForAsync(IPage page, string condition) =>
        await page.WaitForFunctionAsync("() => " + condition, null, new() { Timeout = Timeout });
}
