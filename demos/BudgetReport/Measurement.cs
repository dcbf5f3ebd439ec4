namespace EmbeddedLearn.Demos.BudgetReport;

/// <summary>The implementations the report knows, in the order of the table and the legend.</summary>
internal static class Implementations
{
    public const string EmbeddedLearnCpu = "EmbeddedLearn CPU";
    public const string EmbeddedLearnOpenCl = "EmbeddedLearn OpenCL (PoCL)";
    public const string TorchSharpBmm = "TorchSharp bmm";
    public const string TorchSharpModules = "TorchSharp modules";

    public static readonly IReadOnlyList<string> Ordered = [EmbeddedLearnCpu, EmbeddedLearnOpenCl, TorchSharpBmm, TorchSharpModules];

    public static int Rank(string implementation)
    {
        for (int i = 0; i < Ordered.Count; i++)
        {
            if (Ordered[i] == implementation)
            {
                return i;
            }
        }

        return Ordered.Count;
    }
}

/// <summary>One measured point: an implementation at N entities and a thread count, with its tick-time percentiles.</summary>
internal sealed record Measurement(string Implementation, int Entities, int Threads, double P50Ms, double P99Ms, string Source);

/// <summary>A file that looks like one of the known formats but has a missing or invalid field.</summary>
internal sealed class MalformedResultException(string file, string field, string problem)
    : Exception($"{file}: field '{field}': {problem}")
{
    public string File { get; } = file;
    public string Field { get; } = field;
}
