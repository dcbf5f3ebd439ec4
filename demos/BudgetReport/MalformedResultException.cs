namespace EmbeddedLearn.Demos.BudgetReport;

/// <summary>A file that looks like one of the known formats but has a missing or invalid field.</summary>
internal sealed class MalformedResultException(string file, string field, string problem)
    : Exception($"{file}: field '{field}': {problem}")
{
    public string File { get; } = file;
    public string Field { get; } = field;
}
