using System.Text.Json;
using Xunit;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>The headless summaries committed under docs/ are what their commands produce today: each command is run
/// again as a person runs it (the arena program as a child process) and its summary.json must equal the committed one
/// except for the wall-clock times. A change that alters what the scenes learn fails here until the files are
/// regenerated with the same command.</summary>
public sealed class CommittedResultsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("committed-results-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("docs/images/arena-headless", "--headless --ticks 1200 --seed 7")]
    [InlineData("docs/results/headless/foragers-600", "--scene foragers --headless --ticks 600 --seed 7")]
    [InlineData("docs/results/headless/steering-10000", "--scene steering --headless --ticks 10000 --seed 7")]
    public async Task The_committed_summary_is_what_its_command_produces(string folder, string arguments)
    {
        string root = RepositoryRoot();
        string committed = Path.Combine(root, folder, "summary.json");
        Assert.True(File.Exists(committed), "missing " + committed + "; make it with: dotnet run -c Release --project demos/Arena -- "
            + arguments + " --out " + folder);

        string output = Path.Combine(_directory, Path.GetFileName(folder));
        (int exitCode, string stdout, string error) = await ArenaProcess.RunAsync([.. arguments.Split(' '), "--out", output]);
        Assert.True(exitCode == 0, $"exit {exitCode}\n{stdout}\n{error}");

        using JsonDocument expected = JsonDocument.Parse(File.ReadAllText(committed));
        using JsonDocument actual = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        Assert.True(Summaries.WithoutTimings(expected.RootElement) == Summaries.WithoutTimings(actual.RootElement),
            folder + "/summary.json no longer matches what its command produces; regenerate it with: dotnet run -c Release "
            + "--project demos/Arena -- " + arguments + " --out " + folder + "\ncommitted: "
            + Summaries.WithoutTimings(expected.RootElement) + "\nproduced:  " + Summaries.WithoutTimings(actual.RootElement));
    }

    private static string RepositoryRoot()
    {
        DirectoryInfo? dir = new(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EmbeddedLearn.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("EmbeddedLearn.sln not found above " + AppContext.BaseDirectory);
    }
}
