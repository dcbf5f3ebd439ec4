using System.Diagnostics;
using System.Threading.Channels;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// The live game loop of one <see cref="ILiveScene"/>, on its own thread at 60 frames per second: at the start of each
/// frame it applies the control commands queued by the pages (a bounded queue: when full, a page's command is refused,
/// never waited for), runs the frame, and every <see cref="PublishEvery"/> frames hands a state message to the
/// <see cref="SnapshotHub"/> (15 a second). A frame or control that throws is reported on the page and the loop goes
/// on. A loop that does not run unwatched (a scene other than <c>--scene</c>, opened from the page) waits while no
/// page is connected, so two scenes never compete for the cores.
/// </summary>
internal sealed class GameLoop : IDisposable
{
    /// <summary>Frames between two state messages.</summary>
    public const int PublishEvery = 4;

    private static readonly TimeSpan FrameTime = TimeSpan.FromSeconds(1.0 / 60);
    private readonly ILiveScene _scene;
    private readonly SnapshotHub _hub;
    private readonly Action<string>? _log;
    private readonly bool _runsUnwatched;
    private readonly Channel<ControlCommand> _controls = Channel.CreateBounded<ControlCommand>(
        new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly Thread _thread;
    private volatile bool _stop;
    private bool _disposed;
    private string? _notice;

    public GameLoop(ILiveScene scene, SnapshotHub hub, Action<string>? log, bool runsUnwatched = true)
    {
        _scene = scene;
        _hub = hub;
        _log = log;
        _runsUnwatched = runsUnwatched;
        _thread = new Thread(Run) { IsBackground = true, Name = "Arena game loop (" + scene.Name + ")" };
    }

    /// <summary>The scene this loop runs.</summary>
    public ILiveScene Scene => _scene;

    public void Start() => _thread.Start();

    /// <summary>Validates a page's control message (see <see cref="ILiveScene.Parse"/>).</summary>
    public ControlCommand? Parse(ReadOnlySpan<byte> utf8, out string? error) => _scene.Parse(utf8, out error);

    /// <summary>Queues <paramref name="command"/> for the start of the next frame; false when the queue is full.</summary>
    public bool TryEnqueue(ControlCommand command) => _controls.Writer.TryWrite(command);

    /// <summary>Whether <see cref="Dispose"/> ran: the thread stopped and the scene is disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed);

    public void Dispose()
    {
        if (Volatile.Read(ref _disposed))
        {
            return;
        }

        _stop = true;
        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        _scene.Exit(_log);
        _scene.Dispose();
        Volatile.Write(ref _disposed, true);
    }

    private void Run()
    {
        var clock = Stopwatch.StartNew();
        TimeSpan due = TimeSpan.Zero;
        while (!_stop)
        {
            if (!_runsUnwatched && _hub.Clients == 0)
            {
                Thread.Sleep(FrameTime);
                due = clock.Elapsed;
                continue;
            }

            try
            {
                while (_controls.Reader.TryRead(out ControlCommand? command))
                {
                    _notice = _scene.Apply(command);
                }

                _notice = _scene.Frame(_log) ?? _notice;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A game keeps running when one frame fails; the page shows why.
                _notice = "frame " + _scene.Frames + " failed: " + ex.Message;
                _log?.Invoke(_notice);
            }

            if (_scene.Frames % PublishEvery == 0 && _scene.Publish(_notice) is (byte[] point, byte[] state))
            {
                _hub.Publish(point, state);
            }

            due += FrameTime;
            TimeSpan wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }
            else if (-wait > 10 * FrameTime)
            {
                due = clock.Elapsed; // far behind (a debugger, a slow backend switch): do not race to catch up
            }
        }
    }
}
