using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// The live game loop, on its own thread at 60 frames per second: at the start of each frame it applies the control
/// commands queued by the pages (a bounded queue: when full, a page's command is refused, never waited for), runs the
/// frame, and every <see cref="PublishEvery"/> frames hands a state message to the <see cref="SnapshotHub"/>
/// (15 a second). A frame or control that throws is reported on the page and the loop goes on. With a checkpoint it
/// saves every few seconds of game time (printing what the ticks contained) and once more when disposed.
/// </summary>
internal sealed class GameLoop : IDisposable
{
    /// <summary>Frames between two state messages.</summary>
    public const int PublishEvery = 4;

    private static readonly TimeSpan FrameTime = TimeSpan.FromSeconds(1.0 / 60);
    private readonly ArenaScene _scene;
    private readonly SnapshotHub _hub;
    private readonly Action<string>? _log;
    private readonly ArenaCheckpoint? _checkpoint;
    private readonly Channel<ControlCommand> _controls = Channel.CreateBounded<ControlCommand>(
        new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly SnapshotWriter _writer = new();
    private readonly LiveStats _stats = new();
    private readonly Thread _thread;
    private volatile bool _stop;
    private volatile int _turrets;
    private string? _notice;

    public GameLoop(ArenaScene scene, SnapshotHub hub, Action<string>? log, ArenaCheckpoint? checkpoint = null)
    {
        _scene = scene;
        _checkpoint = checkpoint;
        _hub = hub;
        _log = log;
        _turrets = scene.TurretCount;
        GroupCount = scene.Groups.Count;
        _thread = new Thread(Run) { IsBackground = true, Name = "Arena game loop" };
    }

    /// <summary>Groups in the scene (fixed).</summary>
    public int GroupCount { get; }

    /// <summary>Turrets in the scene as of the last frame.</summary>
    public int TurretCount => _turrets;

    public void Start() => _thread.Start();

    /// <summary>Queues <paramref name="command"/> for the start of the next frame; false when the queue is full.</summary>
    public bool TryEnqueue(ControlCommand command) => _controls.Writer.TryWrite(command);

    public void Dispose()
    {
        _stop = true;
        if (_thread.IsAlive)
        {
            _thread.Join();
        }

        if (_checkpoint is not null)
        {
            // The last save, after the loop's last frame (Ctrl+C and SIGTERM come here through the server's shutdown).
            _log?.Invoke(_checkpoint.TrySave(_scene) ?? "frame " + _scene.Frames + ": saved " + _checkpoint.Path + " on exit");
        }

        _scene.Dispose();
    }

    private void Run()
    {
        var clock = Stopwatch.StartNew();
        TimeSpan due = TimeSpan.Zero;
        while (!_stop)
        {
            try
            {
                while (_controls.Reader.TryRead(out ControlCommand? command))
                {
                    Apply(command);
                }

                _scene.Frame();
                _stats.Add(_scene);
                SaveIfDue();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A game keeps running when one frame fails; the page shows why.
                _notice = "frame " + _scene.Frames + " failed: " + ex.Message;
                _log?.Invoke(_notice);
            }

            _turrets = _scene.TurretCount;
            if (_scene.Frames % PublishEvery == 0 && _scene.LastReport is not null)
            {
                byte[] point = _writer.WritePoint(_scene, _stats);
                _hub.Publish(point, _writer.WriteState(_scene, _stats, point, _notice));
                _stats.Clear();
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

    /// <summary>The periodic save of <c>--checkpoint</c>, with a console line of what the tick contained.</summary>
    private void SaveIfDue()
    {
        if (_checkpoint is null)
        {
            return;
        }

        int saves = _checkpoint.Saves;
        string? failed = _checkpoint.SaveIfDue(_scene);
        if (failed is not null)
        {
            _notice = failed;
            _log?.Invoke(failed);
        }
        else if (_checkpoint.Saves != saves)
        {
            _log?.Invoke(string.Format(CultureInfo.InvariantCulture,
                "frame {0}: saved {1}; hit rate {2:P0}; contained: left out {3}, steps skipped {4}, quarantined {5}",
                _scene.Frames, _checkpoint.Path, _stats.HitRate.Length == 0 ? 0 : _stats.HitRate.Average(), _stats.LeftOut, _stats.StepsSkipped, _stats.Quarantined));
        }
    }

    private void Apply(ControlCommand command)
    {
        ArenaLearning learning = _scene.Learning;
        TurretGroup? group = command.Group < _scene.Groups.Count ? _scene.Groups[command.Group] : null;
        switch (command.Kind)
        {
            case ControlKind.Pause:
                learning.Paused = true;
                break;
            case ControlKind.Resume:
                learning.Paused = false;
                break;
            case ControlKind.Reset:
                _scene.Reset(group!);
                break;
            case ControlKind.LearningRate:
                _scene.SetLearningRate(group!, (float)command.Value!.Value);
                break;
            case ControlKind.AddTurrets:
                _scene.AddTurrets(group!, command.Count);
                break;
            case ControlKind.Budget:
                learning.SetBudget(_scene.World, command.Value);
                break;
            case ControlKind.Backend:
                learning.SwitchBackend(_scene.World, command.Backend);
                break;
            default:
                throw new InvalidOperationException("Unknown control " + command.Kind + ".");
        }

        _notice = command.Kind + " applied at frame " + (_scene.Frames + 1)
            + (command.Kind == ControlKind.Backend ? ": " + learning.Description : string.Empty);
    }
}
