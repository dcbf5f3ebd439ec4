using System.Net;
using EmbeddedLearn.Demos.Arena;
using Microsoft.Playwright;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>
/// A live page in a real headless Chromium (skipped, or failed under EMBEDDEDLEARN_REQUIRE_BROWSER=1, when there is
/// none): the arena server runs in-process on a free loopback port with the given options, or EMBEDDEDLEARN_ARENA_URL
/// names a running one (how the README's screenshots are taken).
/// </summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    private const float Timeout = 30_000;
    private readonly LiveServer? _server;
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserSession(LiveServer? server, IPlaywright playwright, IBrowser browser, IPage page, string address)
    {
        (_server, _playwright, _browser, Page, Address) = (server, playwright, browser, page, address);
    }

    public IPage Page { get; }

    /// <summary>The server's address, e.g. http://127.0.0.1:5080/.</summary>
    public string Address { get; }

    /// <summary>Starts the server (unless EMBEDDEDLEARN_ARENA_URL is set) and a browser with a 1420 x 900 page.</summary>
    public static async Task<BrowserSession> OpenAsync(ArenaOptions options)
    {
        string chromium = Chromium.Require();
        string? external = Environment.GetEnvironmentVariable("EMBEDDEDLEARN_ARENA_URL");
        LiveServer? server = external is null ? new LiveServer(options, IPAddress.Loopback, port: 0, log: null) : null;
        server?.Start();
        IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = Chromium.Arguments });
        IPage page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1420, Height = 900 } });
        return new BrowserSession(server, playwright, browser, page, external ?? server!.Address);
    }

    /// <summary>Waits until the JavaScript <paramref name="condition"/> holds on the page (30 s at most).</summary>
    public async Task WaitForAsync(string condition) =>
        await Page.WaitForFunctionAsync("() => " + condition, null, new() { Timeout = Timeout });

    /// <summary>Sends the control message <paramref name="javascript"/> evaluates to, and waits for a reply that
    /// contains <paramref name="reply"/>.</summary>
    public async Task SendAsync(string javascript, string reply)
    {
        await Page.EvaluateAsync("window.arena.send(" + javascript + ")");
        await WaitForAsync("document.getElementById('reply').textContent.includes(" + System.Text.Json.JsonSerializer.Serialize(reply) + ")");
    }

    /// <summary>Saves a screenshot to the path in <paramref name="variable"/> when set, else to
    /// <paramref name="name"/> beside the test assembly; checks it holds a picture.</summary>
    public async Task ScreenshotAsync(string variable, string name)
    {
        string path = Environment.GetEnvironmentVariable(variable) ?? Path.Combine(AppContext.BaseDirectory, name);
        await Page.ScreenshotAsync(new() { Path = path });
        Assert.True(new FileInfo(path).Length > 10_000);
    }

    /// <summary>The canvas as a data URL (to see that it changes).</summary>
    public Task<string> CanvasAsync() => Page.EvaluateAsync<string>("document.getElementById('arena').toDataURL()");

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _server?.Dispose();
    }
}
