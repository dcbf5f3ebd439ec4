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
