using System.Net;
using EmbeddedLearn.Demos.Arena;
using Microsoft.Playwright;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>
/// The foragers scene in a real headless Chromium, chosen on the page (<c>?scene=foragers</c>) of a server started with
/// the default turret scene: it draws frames, a screenshot is saved (to EMBEDDEDLEARN_FORAGERS_SCREENSHOT when set, else
/// beside the test assembly), its greedy and pause controls take effect, and a malformed or refused message gets an error
/// reply. EMBEDDEDLEARN_ARENA_URL names a running server instead (started with either scene; how the README's
/// screenshot is taken).
/// </summary>
public sealed class ForagerBrowserTests
{
    private const float Timeout = 30_000;

    [SkippableFact]
    public async Task The_foragers_page_draws_the_field_obeys_its_controls_and_refuses_bad_messages()
    {
        string chromium = Chromium.Require();
        string? external = Environment.GetEnvironmentVariable("EMBEDDEDLEARN_ARENA_URL");
        using LiveServer? server = external is null
            ? new LiveServer(new ArenaOptions(TurretsPerGroup: 4, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 3, ForagersPerGroup: 60),
                IPAddress.Loopback, port: 0, log: null)
            : null;
        server?.Start();
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(
            new() { ExecutablePath = chromium, Headless = true, Args = Chromium.Arguments });
        IPage page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1420, Height = 900 } });
        await page.GotoAsync((external ?? server!.Address) + "?scene=turrets");

        // The scene select reloads the page on the foragers scene (whichever scene the server started with).
        await WaitForAsync(page, "window.arena && window.arena.states >= 1 && window.arena.last.scene === 'turrets'");
        await page.SelectOptionAsync("#scene", "foragers");
        await WaitForAsync(page, "location.search === '?scene=foragers' && window.arena && window.arena.states >= 3");
        Assert.Equal("foragers", await page.EvaluateAsync<string>("window.arena.last.scene"));
        Assert.Equal(3, await page.EvaluateAsync<int>("window.arena.last.groups.length"));
        Assert.True(await page.IsDisabledAsync("#switchBackend"));
        string before = await page.EvaluateAsync<string>("document.getElementById('arena').toDataURL()");
        int states = await page.EvaluateAsync<int>("window.arena.states");
        await WaitForAsync(page, "window.arena.states >= " + (states + 2));
        Assert.NotEqual(before, await page.EvaluateAsync<string>("document.getElementById('arena').toDataURL()"));
        string screenshot = Environment.GetEnvironmentVariable("EMBEDDEDLEARN_FORAGERS_SCREENSHOT")
            ?? Path.Combine(AppContext.BaseDirectory, "foragers-browser.png");
        await page.ScreenshotAsync(new() { Path = screenshot });
        Assert.True(new FileInfo(screenshot).Length > 10_000);

        // Greedy: the learning groups' epsilon drops to 0; back to exploring.
        await page.ClickAsync("#greedy");
        await WaitForAsync(page, "window.arena.last.point.greedy && window.arena.last.groups[0].epsilon === 0");
        await page.ClickAsync("#greedy");
        await WaitForAsync(page, "!window.arena.last.point.greedy && window.arena.last.groups[0].epsilon > 0");

        // Pause: no agent trains; resume.
        await page.ClickAsync("#pause");
        await WaitForAsync(page, "window.arena.last.point.paused && window.arena.last.point.trained === 0");
        await page.ClickAsync("#pause");
        await WaitForAsync(page, "!window.arena.last.point.paused");

        // Malformed and refused messages: an error reply, nothing changes.
        await page.EvaluateAsync("window.arena.send('{not json')");
        await WaitForAsync(page, "document.getElementById('reply').textContent.startsWith('error: not JSON')");
        await page.EvaluateAsync("window.arena.send(JSON.stringify({ type: 'backend', kind: 'opencl' }))");
        await WaitForAsync(page, "document.getElementById('reply').textContent.includes('CPU backend only')");
        await page.EvaluateAsync("window.arena.send(JSON.stringify({ type: 'learningRate', group: 1, value: 0 }))");
        await WaitForAsync(page, "document.getElementById('reply').textContent.includes('got 0')");
        Assert.Equal(0.003, await page.EvaluateAsync<double>("window.arena.last.groups[1].learningRate"), 6);
    }

    private static async Task WaitForAsync(IPage page, string condition) =>
        await page.WaitForFunctionAsync("() => " + condition, null, new() { Timeout = Timeout });
}
