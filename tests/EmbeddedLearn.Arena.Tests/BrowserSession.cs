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
    /// <summary>How long one step may take, in ms: a wait for a condition, and every action (select, click, fill). CI
    /// runs the other test assembly beside this one on two cores at a load of 7 to 9, where a step has been seen to take
    /// over 30 s; a page that is stuck still fails.</summary>
    private const float Timeout = 60_000;
    private static readonly System.Text.Json.JsonSerializerOptions WebJson = new(System.Text.Json.JsonSerializerDefaults.Web);
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

    /// <summary>The page's size: the controls and every chart must be in view at it without scrolling.</summary>
    public const int Width = 1400, Height = 1000;

    /// <summary>Starts the server (unless EMBEDDEDLEARN_ARENA_URL is set) and a browser with a <see cref="Width"/> x
    /// <see cref="Height"/> page.</summary>
    public static async Task<BrowserSession> OpenAsync(ArenaOptions options)
    {
        string chromium = Chromium.Require();
        string? external = Environment.GetEnvironmentVariable("EMBEDDEDLEARN_ARENA_URL");
        LiveServer? server = external is null ? new LiveServer(options, IPAddress.Loopback, port: 0, log: null) : null;
        server?.Start();
        IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = Chromium.Arguments });
        IPage page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = Width, Height = Height } });
        page.SetDefaultTimeout(Timeout);
        return new BrowserSession(server, playwright, browser, page, external ?? server!.Address);
    }

    /// <summary>Waits until the JavaScript <paramref name="condition"/> holds on the page (<see cref="Timeout"/> at
    /// most).</summary>
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

    /// <summary>Checks the stage chart's legend: one entry per stage of the last state, in its order, each name shown
    /// in full (not cut by its box) and inside the legend and the page.</summary>
    public async Task AssertStageLegendCompleteAsync(int stages)
    {
        await WaitForAsync("document.querySelectorAll('#stageLegend .entry.stage').length === window.arena.last.point.stages.length");
        string json = await Page.EvaluateAsync<string>("""
            JSON.stringify((() => {
              const legend = document.getElementById('stageLegend').getBoundingClientRect();
              const names = window.arena.last.point.stages.map(s => s.name);
              return [...document.querySelectorAll('#stageLegend .entry.stage')].map((entry, i) => {
                const name = entry.querySelector('.name'), box = entry.getBoundingClientRect(), text = name.getBoundingClientRect();
                return { stage: names[i], text: name.textContent,
                  full: entry.scrollWidth <= entry.clientWidth && name.scrollWidth <= Math.ceil(text.width) && text.right <= box.right + 0.5,
                  inside: box.left >= legend.left && box.right <= legend.right + 0.5 && box.top >= legend.top && box.bottom <= legend.bottom + 0.5
                    && box.right <= innerWidth && box.bottom <= innerHeight };
              });
            })())
            """);
        LegendEntry[] entries = System.Text.Json.JsonSerializer.Deserialize<LegendEntry[]>(json, WebJson)!;
        Assert.Equal(stages, entries.Length);
        Assert.All(entries, e =>
        {
            Assert.Equal(e.Stage, e.Text);
            Assert.True(e.Full, e.Stage + " is cut");
            Assert.True(e.Inside, e.Stage + " lies outside the legend or the page");
        });
    }

    /// <summary>Checks that every control shown (buttons, boxes, selects) lies wholly within the
    /// <see cref="Width"/> x <see cref="Height"/> page, unscrolled.</summary>
    public async Task AssertControlsInViewAsync()
    {
        Assert.Equal(0, await Page.EvaluateAsync<double>("window.scrollY"));
        ILocator controls = Page.Locator("button:visible, input:visible, select:visible");
        int count = await controls.CountAsync();
        Assert.True(count >= 8, count + " controls");
        for (int i = 0; i < count; i++)
        {
            ILocator control = controls.Nth(i);
            LocatorBoundingBoxResult box = (await control.BoundingBoxAsync())!;
            string what = await control.EvaluateAsync<string>("e => e.id || e.outerHTML") + " at " + box.X + "," + box.Y + " " + box.Width + "x" + box.Height;
            Assert.True(box.X >= 0 && box.Y >= 0 && box.X + box.Width <= Width && box.Y + box.Height <= Height, what + " is out of view");
        }
    }

    /// <summary>The canvas as a data URL (to see that it changes).</summary>
    public Task<string> CanvasAsync() => Page.EvaluateAsync<string>("document.getElementById('arena').toDataURL()");

    private sealed record LegendEntry(string Stage, string Text, bool Full, bool Inside);

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        _server?.Dispose();
    }
}
