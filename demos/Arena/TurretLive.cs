using System.Globalization;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>The turret scene in the live view: its controls, its figures between two state messages
/// (<see cref="LiveStats"/>), its state messages (<see cref="SnapshotWriter"/>) and its periodic checkpoint saves.</summary>
internal sealed class TurretLive(ArenaScene scene, ArenaCheckpoint? checkpoint) : ILiveScene
{
    private readonly SnapshotWriter _writer = new();
    private readonly LiveStats _stats = new();
    private volatile int _turrets = scene.TurretCount;

    public string Name => "turrets";

    public long Frames => scene.Frames;

    /// <summary>The scene itself.</summary>
    public ArenaScene Scene => scene;

    public ControlCommand? Parse(ReadOnlySpan<byte> utf8, out string? error) =>
        ControlParser.Parse(utf8, scene.Groups.Count, _turrets, out error);

    public string Apply(ControlCommand command)
    {
        ArenaLearning learning = scene.Learning;
        TurretGroup? group = command.Group < scene.Groups.Count ? scene.Groups[command.Group] : null;
        switch (command.Kind)
        {
            case ControlKind.Pause:
                learning.Paused = true;
                break;
            case ControlKind.Resume:
                learning.Paused = false;
                break;
            case ControlKind.Reset:
                scene.Reset(group!);
                break;
            case ControlKind.LearningRate:
                scene.SetLearningRate(group!, (float)command.Value!.Value);
                break;
            case ControlKind.AddTurrets:
                scene.AddTurrets(group!, command.Count);
                break;
            case ControlKind.Budget:
                learning.SetBudget(scene.World, command.Value);
                break;
            case ControlKind.Backend:
                learning.SwitchBackend(scene.World, command.Backend);
                break;
            default:
                throw new InvalidOperationException("Unknown control " + command.Kind + ".");
        }

        _turrets = scene.TurretCount;
        return command.Kind + " applied at frame " + (scene.Frames + 1)
            + (command.Kind == ControlKind.Backend ? ": " + learning.Description : string.Empty);
    }

    public string? Frame(Action<string>? log)
    {
        scene.Frame();
        _stats.Add(scene);
        return SaveIfDue(log);
    }

    public (byte[] Point, byte[] State)? Publish(string? notice)
    {
        if (scene.LastReport is null)
        {
            return null;
        }

        byte[] point = _writer.WritePoint(scene, _stats);
        byte[] state = _writer.WriteState(scene, _stats, point, notice);
        _stats.Clear();
        return (point, state);
    }

    public void Exit(Action<string>? log)
    {
        if (checkpoint is not null)
        {
            // The last save, after the loop's last frame (Ctrl+C and SIGTERM come here through the server's shutdown).
            log?.Invoke(checkpoint.TrySave(scene) ?? "frame " + scene.Frames + ": saved " + checkpoint.Path + " on exit");
        }
    }

    public void Dispose() => scene.Dispose();

    /// <summary>The periodic save of <c>--checkpoint</c>, with a console line of what the tick contained.</summary>
    private string? SaveIfDue(Action<string>? log)
    {
        if (checkpoint is null)
        {
            return null;
        }

        int saves = checkpoint.Saves;
        string? failed = checkpoint.SaveIfDue(scene);
        if (failed is not null)
        {
            log?.Invoke(failed);
            return failed;
        }

        if (checkpoint.Saves != saves)
        {
            log?.Invoke(string.Format(CultureInfo.InvariantCulture,
                "frame {0}: saved {1}; hit rate {2:P0}; contained: left out {3}, steps skipped {4}, quarantined {5}",
                scene.Frames, checkpoint.Path, _stats.HitRate.Length == 0 ? 0 : _stats.HitRate.Average(), _stats.LeftOut, _stats.StepsSkipped, _stats.Quarantined));
        }

        return null;
    }
}
