using System.Runtime.CompilerServices;
using Xunit;

namespace EmbeddedLearn.Tests.Readme;

/// <summary>Checks that a page of the documentation (README.md or a page under docs/) quotes a test's example verbatim:
/// the lines between <c>// &lt;example&gt;</c> and <c>// &lt;/example&gt;</c> of the calling test's source (found
/// through the compiler-recorded path), less the test method's indentation. A deterministic CI build
/// (<c>ContinuousIntegrationBuild</c>, set when <c>CI=true</c>) records source paths under <c>/_/</c>, the repository
/// root; such a path is read from the repository checkout instead.</summary>
internal static class ReadmeExample
{
    public static void AssertQuoted(int indent, string page, [CallerFilePath] string testFile = "")
    {
        const string MappedRoot = "/_/";
        string path = testFile.StartsWith(MappedRoot, StringComparison.Ordinal) && !File.Exists(testFile)
            ? Path.Combine(MarkdownCode.RepositoryRoot, testFile[MappedRoot.Length..])
            : testFile;
        string source = File.ReadAllText(path);
        int start = source.IndexOf("// <example>", StringComparison.Ordinal) + "// <example>".Length;
        int end = source.IndexOf("// </example>", start, StringComparison.Ordinal);
        end = source.LastIndexOf('\n', end);
        string[] lines = source[start..end].Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        string example = string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).Trim('\n');
        string text = File.ReadAllText(Path.Combine(MarkdownCode.RepositoryRoot, page)).Replace("\r", "", StringComparison.Ordinal);
        Assert.Contains(example, text, StringComparison.Ordinal);
    }
}
