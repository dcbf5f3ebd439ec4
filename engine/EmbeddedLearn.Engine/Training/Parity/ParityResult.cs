namespace EmbeddedLearn.Training.Parity;

/// <summary>The outcome of one parity case: the worst relative error over every compared number
/// (<c>|actual - expected| / max(|expected|, 0.01)</c>, so that errors below the absolute floor of 1e-6 count as at
/// most 1e-4), how many numbers were compared, and the first number out of tolerance, if any.</summary>
public sealed record ParityResult(string Case, double WorstRelativeError, int Compared, string? FirstFailure)
{
    /// <summary>Whether every number was within relative 1e-4 (absolute floor 1e-6).</summary>
    public bool Passed => FirstFailure is null;
}
