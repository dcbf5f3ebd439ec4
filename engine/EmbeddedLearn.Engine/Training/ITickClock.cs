namespace EmbeddedLearn.Training;

/// <summary>
/// The clock the training budget measures block costs with: timestamps in units of <see cref="Frequency"/> per
/// second, like <see cref="System.Diagnostics.Stopwatch"/>. Inject a fake one (<see cref="PipelineOptions.Clock"/>)
/// to make a budgeted schedule deterministic in tests. Called from worker threads: an implementation must be
/// thread-safe and must not allocate.
/// </summary>
public interface ITickClock
{
    /// <summary>Timestamp units per second.</summary>
    long Frequency { get; }

    /// <summary>The current timestamp.</summary>
    long GetTimestamp();
}
