using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// The live view: ASP.NET Core's own server (Kestrel) on <c>address:port</c> (port 0: any free one) serving the page
/// (<c>/</c>, <c>/arena.js</c>, <c>/charts.js</c>, <c>/foragers.js</c>, <c>/steering.js</c>) and the WebSocket <c>/ws</c>, and the
/// <see cref="GameLoop"/> the page watches and steers: the <c>--scene</c> one, or the one
/// <c>/ws?scene=turrets|foragers|steering</c> names. A scene other
/// than <c>--scene</c> is created when a page asks for it and runs only while a page watches it: <see cref="ReleaseDelay"/>
/// after its last page closes (time for a reload to find it still there) its loop, world and pipelines are disposed and
/// the memory handed back, and the next page to ask for it gets a fresh one. The WebSocket accepts only the arena's own
/// page (or clients that send no Origin), so another site open in the same browser cannot steer it.
/// </summary>
internal sealed class LiveServer(ArenaOptions options, IPAddress address, int port, Action<string>? log) : IDisposable
{
    private static readonly Dictionary<string, string> Files = new()
    {
        ["/"] = "index.html",
        ["/arena.js"] = "arena.js",
        ["/charts.js"] = "charts.js",
        ["/foragers.js"] = "foragers.js",
        ["/steering.js"] = "steering.js",
    };

    private readonly Dictionary<string, SceneEntry> _scenes = [];
    private readonly List<Task> _releases = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _closing = new();
    private WebApplication? _app;

    /// <summary>How long a scene other than <c>--scene</c> outlives its last page before it is disposed.</summary>
    public TimeSpan ReleaseDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The page's address, e.g. http://127.0.0.1:5080/ (known after <see cref="Start"/>).</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>Pages connected now.</summary>
    public int Clients
    {
        get
        {
            lock (_gate)
            {
                return _scenes.Values.Sum(s => s.Hub.Clients);
            }
        }
    }

    /// <summary>Builds the scene (restored from the checkpoint file when there is one), starts the server, then the
    /// game loop.</summary>
    /// <exception cref="EmbeddedLearn.Checkpoints.CheckpointException">The checkpoint cannot be loaded (nothing started).</exception>
    public void Start()
    {
        GameLoop primary = Acquire(options.Scene, watch: false).Loop;
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        // Server warnings go to the console; a failure to start is reported once, by the caller.
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, port));
        _app = builder.Build();
        _app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        foreach ((string path, string file) in Files)
        {
            byte[] content = PageAssets.Read(file) ?? throw new InvalidOperationException("The page file wwwroot/" + file + " is not embedded.");
            string type = file.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8";
            _app.MapGet(path, () => Results.Bytes(content, type));
        }

        CancellationToken stopping = _app.Lifetime.ApplicationStopping;
        _app.Map("/ws", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            if (!SameOrigin(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden; // another site's page may not steer the arena
                return;
            }

            string? name = context.Request.Query["scene"];
            if (!string.IsNullOrEmpty(name) && !ArenaOptions.IsScene(name))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound; // no such scene
                return;
            }

            SceneEntry scene = Acquire(string.IsNullOrEmpty(name) ? options.Scene : name, watch: true);
            try
            {
                using System.Net.WebSockets.WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
                await ArenaSocket.RunAsync(socket, scene.Loop, scene.Hub, stopping).ConfigureAwait(false);
            }
            finally
            {
                Leave(scene);
            }
        });
        _app.StartAsync().GetAwaiter().GetResult();
        Address = _app.Urls.First().TrimEnd('/') + "/";
        primary.Start();
    }

    /// <summary>The loop of scene <paramref name="name"/> while it exists (created and not yet released), else null.</summary>
    internal GameLoop? Running(string name)
    {
        lock (_gate)
        {
            return _scenes.TryGetValue(name, out SceneEntry? entry) ? entry.Loop : null;
        }
    }

    /// <summary>The scene <paramref name="name"/>, created (and started, unless it is the primary one, which
    /// <see cref="Start"/> starts once the server runs) the first time it is asked for; with <paramref name="watch"/>, one
    /// more page watches it (<see cref="Leave"/> when it goes).</summary>
    private SceneEntry Acquire(string name, bool watch)
    {
        lock (_gate)
        {
            if (!_scenes.TryGetValue(name, out SceneEntry? entry))
            {
                bool primary = name == options.Scene;
                var hub = new SnapshotHub();
                entry = new SceneEntry(name, new GameLoop(options.CreateLive(name, primary, log), hub, log, runsUnwatched: primary), hub, primary);
                _scenes[name] = entry;
                if (!primary)
                {
                    entry.Loop.Start();
                }
            }

            entry.Watchers += watch ? 1 : 0;
            return entry;
        }
    }

    /// <summary>A page of <paramref name="scene"/> went away: the last page of a scene other than the primary one
    /// schedules its release.</summary>
    private void Leave(SceneEntry scene)
    {
        lock (_gate)
        {
            if (--scene.Watchers > 0 || scene.Primary)
            {
                return;
            }

            _releases.RemoveAll(t => t.IsCompleted);
            _releases.Add(ReleaseAsync(scene));
        }
    }

    /// <summary>Disposes <paramref name="scene"/> after <see cref="ReleaseDelay"/> unless a page came back meanwhile.</summary>
    private async Task ReleaseAsync(SceneEntry scene)
    {
        try
        {
            await Task.Delay(ReleaseDelay, _closing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // the server stops: Dispose disposes every scene
        }

        lock (_gate)
        {
            if (scene.Watchers > 0 || !_scenes.TryGetValue(scene.Name, out SceneEntry? current) || current != scene)
            {
                return; // watched again, or already gone with the server
            }

            _scenes.Remove(scene.Name);
        }

        scene.Loop.Dispose(); // stops its thread, then disposes the scene: its world (chunk memory) and pipelines
        log?.Invoke("scene " + scene.Name + " released: no page watches it");
        MemoryRelease.Return();
    }

    /// <summary>Blocks until the server is asked to stop (Ctrl+C or SIGTERM, through ASP.NET Core's console lifetime).</summary>
    public void WaitForShutdown() => _app?.Lifetime.ApplicationStopping.WaitHandle.WaitOne();

    /// <summary>Whether a WebSocket request comes from the arena's own page (or from no page at all: no Origin).</summary>
    private static bool SameOrigin(HttpRequest request)
    {
        string? origin = request.Headers.Origin;
        return string.IsNullOrEmpty(origin)
            || (Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose()
    {
        _closing.Cancel();
        if (_app is not null)
        {
            _app.StopAsync().GetAwaiter().GetResult();
            _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        Task[] releases;
        SceneEntry[] scenes;
        lock (_gate)
        {
            releases = [.. _releases];
            scenes = [.. _scenes.Values];
            _scenes.Clear();
        }

        Task.WaitAll(releases);
        foreach (SceneEntry scene in scenes)
        {
            scene.Loop.Dispose();
        }

        _closing.Dispose();
    }

    /// <summary>A scene's loop and hub, and how many pages watch it now (guarded by the server's lock).</summary>
    private sealed class SceneEntry(string name, GameLoop loop, SnapshotHub hub, bool primary)
    {
        public string Name { get; } = name;

        public GameLoop Loop { get; } = loop;

        public SnapshotHub Hub { get; } = hub;

        public bool Primary { get; } = primary;

        public int Watchers { get; set; }
    }
}
