namespace EmbeddedLearn.Training.Parity;

/// <summary>A parity fixture file: where its numbers came from, and its cases.</summary>
public sealed record ParityFixture(string Source, IReadOnlyList<ParityCase> Cases);
