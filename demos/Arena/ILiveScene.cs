namespace EmbeddedLearn.Demos.Arena;

/// <summary>
/// A scene the live view runs (<see cref="GameLoop"/>): one frame at a time on the loop's thread, control commands
/// between frames, a chart point and a state message every few frames. <see cref="Parse"/> runs on a page's socket
/// thread; everything else on the loop's thread.
/// </summary>
internal interface ILiveScene : IDisposable
{
    /// <summary>"turrets", "foragers" or "steering", as in <c>--scene</c> and the page's <c>?scene=</c>.</summary>
    string Name { get; }

    /// <summary>Frames run so far.</summary>
    long Frames { get; }

    /// <summary>Validates a page's control message for this scene; null with <paramref name="error"/> when refused.</summary>
    ControlCommand? Parse(ReadOnlySpan<byte> utf8, out string? error);

    /// <summary>Applies a validated command between two frames; returns what to show on the page.</summary>
    string Apply(ControlCommand command);

    /// <summary>Runs one frame and its bookkeeping; returns a warning for the page (a failed save), or null.</summary>
    string? Frame(Action<string>? log);

    /// <summary>The chart point and the state message of the frames since the last call, or null when there is
    /// nothing to show yet.</summary>
    (byte[] Point, byte[] State)? Publish(string? notice);

    /// <summary>Called once after the last frame, before <see cref="IDisposable.Dispose"/> (the last save).</summary>
    void Exit(Action<string>? log);
}
