using EmbeddedLearn.Checkpoints;

namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// <c>--checkpoint FILE</c>: saves the scene (<see cref="ArenaScene.SaveCheckpoint"/>) every
/// <see cref="FramesBetweenSaves"/> frames of game time and when the run ends. A periodic save that fails is reported
/// and the game goes on (the previous file stays as it was).
/// </summary>
internal sealed class ArenaCheckpoint(string path, double everySeconds)
{
    private long _lastSaved = -1;

    /// <summary>The checkpoint file.</summary>
    public string Path { get; } = path;

    /// <summary>Frames between two periodic saves (<c>everySeconds</c> at 60 frames per second, at least 1).</summary>
    public long FramesBetweenSaves { get; } = Math.Max(1, (long)Math.Round(everySeconds / ArenaScene.FrameSeconds));

    /// <summary>Saves written so far.</summary>
    public int Saves { get; private set; }

    /// <summary>Saves when <see cref="FramesBetweenSaves"/> frames have run since the last save (or since the start);
    /// returns the error message of a failed save, else null.</summary>
    public string? SaveIfDue(ArenaScene scene)
    {
        if (_lastSaved < 0)
        {
            _lastSaved = scene.Frames - 1; // the frame the run started from
        }

        return scene.Frames - _lastSaved >= FramesBetweenSaves ? TrySave(scene) : null;
    }

    /// <summary>Saves now; returns the error message of a failed save, else null.</summary>
    public string? TrySave(ArenaScene scene)
    {
        try
        {
            scene.SaveCheckpoint(Path);
            _lastSaved = scene.Frames;
            Saves++;
            return null;
        }
        catch (CheckpointException ex)
        {
            return ex.Message;
        }
    }
}
