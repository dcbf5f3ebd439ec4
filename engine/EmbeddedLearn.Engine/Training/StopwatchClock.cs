using System.Diagnostics;

namespace EmbeddedLearn.Training;

/// <summary>The default <see cref="ITickClock"/>: <see cref="Stopwatch.GetTimestamp"/>.</summary>
public sealed class StopwatchClock : ITickClock
{
    private StopwatchClock()
    {
    }

    /// <summary>The one instance.</summary>
    public static StopwatchClock Instance { get; } = new();

    /// <inheritdoc/>
    public long Frequency => Stopwatch.Frequency;

    /// <inheritdoc/>
    public long GetTimestamp() => Stopwatch.GetTimestamp();
}
