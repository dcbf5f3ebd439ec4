using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// The live view: ASP.NET Core's own server (Kestrel) on <c>address:port</c> (port 0: any free one) serving the page
/// (<c>/</c>, <c>/arena.js</c>, <c>/charts.js</c>, <c>/foragers.js</c>) and the WebSocket <c>/ws</c>, and the <see cref="GameLoop"/> the
/// page watches and steers: the <c>--scene</c> one, or the one <c>/ws?scene=turrets|foragers</c> names (created the first
/// time a page asks for it; it runs only while a page watches it). The WebSocket accepts only the arena's own page (or
/// clients that send no Origin), so another site open in the same browser cannot steer it.
/// </summary>
internal sealed class LiveServer(ArenaOptions options, IPAddress address, int port, Action<string>? log) : IDisposable
{
    private static readonly Dictionary<string, string> Files = new()
    {
        ["/"] = "index.html",
        ["/arena.js"] = "arena.js",
        ["/charts.js"] = "charts.js",
        ["/foragers.js"] = "foragers.js",
    };

    private readonly Dictionary<string, (GameLoop Loop, SnapshotHub Hub)> _scenes = [];
    private readonly Lock _gate = new();
    private WebApplication? _app;

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
        (GameLoop primary, _) = Scene(options.Scene);
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
            if (name is not (null or "" or ArenaOptions.Turrets or ArenaOptions.Foragers))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound; // no such scene
                return;
            }

            (GameLoop loop, SnapshotHub hub) = Scene(string.IsNullOrEmpty(name) ? options.Scene : name);
            using System.Net.WebSockets.WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            await ArenaSocket.RunAsync(socket, loop, hub, stopping).ConfigureAwait(false);
        });
        _app.StartAsync().GetAwaiter().GetResult();
        Address = _app.Urls.First().TrimEnd('/') + "/";
        primary.Start();
    }

    /// <summary>The loop and hub of scene <paramref name="name"/>, created (and started, once the server runs) the
    /// first time it is asked for.</summary>
    private (GameLoop Loop, SnapshotHub Hub) Scene(string name)
    {
        lock (_gate)
        {
            if (!_scenes.TryGetValue(name, out (GameLoop Loop, SnapshotHub Hub) entry))
            {
                bool primary = name == options.Scene;
                var hub = new SnapshotHub();
                entry = (new GameLoop(options.CreateLive(name, primary, log), hub, log, runsUnwatched: primary), hub);
                _scenes[name] = entry;
                if (!primary)
                {
                    entry.Loop.Start();
                }
            }

            return entry;
        }
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
        if (_app is not null)
        {
            _app.StopAsync().GetAwaiter().GetResult();
            _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        lock (_gate)
        {
            foreach ((GameLoop loop, _) in _scenes.Values)
            {
                loop.Dispose();
            }

            _scenes.Clear();
        }
    }
}
