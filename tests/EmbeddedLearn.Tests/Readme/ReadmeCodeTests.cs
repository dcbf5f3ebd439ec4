using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace EmbeddedLearn.Tests.Readme;

/// <summary>Every C# block of README.md and docs/embedding.md compiles as pasted: as the Program.cs of a console
/// program (top-level statements, the SDK's implicit usings, nullable on, warnings as errors) against the library's
/// assemblies; the README's first block, its embedding example, also runs and its agents learn.</summary>
public sealed class ReadmeCodeTests
{
    /// <summary>The usings a console project's SDK adds (ImplicitUsings).</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (string page in (string[])["README.md", "docs/embedding.md"])
        {
            IReadOnlyList<(int Line, string Code)> blocks = MarkdownCode.Blocks(page);
            for (int i = 0; i < blocks.Count; i++)
            {
                data.Add(page, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void The_block_compiles_as_pasted_into_a_console_program(string page, int index)
    {
        (int line, string code) = MarkdownCode.Blocks(page)[index];
        (_, IReadOnlyList<Diagnostic> problems) = Compile(code);
        Assert.True(problems.Count == 0, $"{page}, the C# block at line {line}:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_READMEs_embedding_example_runs_and_its_agents_learn()
    {
        (int _, string code) = MarkdownCode.Blocks("README.md")[0];
        (byte[]? image, IReadOnlyList<Diagnostic> problems) = Compile(code);
        Assert.True(image is not null, string.Join("\n", problems));
        var context = new AssemblyLoadContext("readme-example", isCollectible: true);
        TextWriter console = Console.Out;
        var output = new StringWriter();
        try
        {
            Assembly program = context.LoadFromStream(new MemoryStream(image));
            Console.SetOut(output);
            program.EntryPoint!.Invoke(null, [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(console);
            context.Unload();
        }

        string[] lines = output.ToString().Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 2, "the example printed:\n" + output);
        double first = MeanLoss(lines[0]), last = MeanLoss(lines[^1]);
        Assert.True(last < first / 4, $"mean loss {first} then {last}:\n{output}");

        // The README shows what it prints, in the plain block right after the example: the CPU backend learns the same
        // bits on every CPU, so those lines are exact.
        string readme = File.ReadAllText(Path.Combine(MarkdownCode.RepositoryRoot, "README.md")).Replace("\r", "", StringComparison.Ordinal);
        int after = readme.IndexOf(code, StringComparison.Ordinal) + code.Length;
        int open = readme.IndexOf("\n```\n", readme.IndexOf("```", after, StringComparison.Ordinal) + 3, StringComparison.Ordinal) + 5;
        string shown = readme[open..readme.IndexOf("```", open, StringComparison.Ordinal)].TrimEnd('\n');
        Assert.Equal(shown, string.Join("\n", lines));
    }

    private static double MeanLoss(string line)
    {
        int at = line.IndexOf("mean loss ", StringComparison.Ordinal);
        Assert.True(at >= 0, "no mean loss in: " + line);
        string number = new([.. line[(at + "mean loss ".Length)..].TakeWhile(c => char.IsAsciiDigit(c) || c == '.')]);
        return double.Parse(number, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Compiles <paramref name="code"/> as a console program's only source file; returns its image, or null
    /// with the errors and warnings.</summary>
    private static (byte[]? Image, IReadOnlyList<Diagnostic> Problems) Compile(string code)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        SyntaxTree[] trees = [CSharpSyntaxTree.ParseText(code, options, "Program.cs"), CSharpSyntaxTree.ParseText(ImplicitUsings, options, "Usings.cs")];
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        MetadataReference[] references = [.. platform.Select(path => MetadataReference.CreateFromFile(path))];
        var compilation = CSharpCompilation.Create("ReadmeExample", trees, references, new CSharpCompilationOptions(
            OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: false,
            generalDiagnosticOption: ReportDiagnostic.Error));
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(image);
        Diagnostic[] problems = [.. result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning || d.IsWarningAsError)];
        return (result.Success && problems.Length == 0 ? image.ToArray() : null, problems);
    }
}
