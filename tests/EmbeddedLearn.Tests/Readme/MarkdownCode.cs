using System.Text.RegularExpressions;

namespace EmbeddedLearn.Tests.Readme;

/// <summary>The fenced C# blocks of the project's Markdown files (<c>```csharp</c> ... <c>```</c>), as a reader copies
/// them, with the line each starts on.</summary>
internal static partial class MarkdownCode
{
    /// <summary>The repository's root folder (the one holding EmbeddedLearn.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            DirectoryInfo? dir = new(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EmbeddedLearn.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("EmbeddedLearn.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Every C# block of <paramref name="relativePath"/> (from the repository root), in order.</summary>
    public static IReadOnlyList<(int Line, string Code)> Blocks(string relativePath)
    {
        string text = File.ReadAllText(Path.Combine(RepositoryRoot, relativePath)).Replace("\r", "", StringComparison.Ordinal);
        var blocks = new List<(int, string)>();
        foreach (Match match in Fence().Matches(text))
        {
            int line = text.AsSpan(0, match.Index).Count('\n') + 1;
            blocks.Add((line, match.Groups[1].Value));
        }

        return blocks;
    }

    [GeneratedRegex(@"^```csharp\n(.*?)^```$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Fence();
}
