using System.Diagnostics;
using System.Text.Json;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>
/// The arena learns the same bits on every CPU: a headless turrets run (supervised learners) and a headless foragers
/// run (DQN agents: replay sampling, TD targets, target sync, action selection) as child processes under the runtime's
/// instruction-set switches and on 1 and 2 threads give one <c>summary.json</c> (wall-clock keys aside), its learning
/// figures and its <c>fingerprint</c> of every parameter and optimizer state included.
/// </summary>
public sealed class ArenaDeterminismTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "arena-determinism-" + Guid.NewGuid().ToString("N"));

    /// <summary>(switch, threads): no switch twice, then narrower and narrower instruction sets.</summary>
    private static readonly (string Switch, int Threads)[] Runs =
        [("", 1), ("", 2), ("DOTNET_EnableAVX512=0", 2), ("DOTNET_EnableAVX2=0", 1), ("DOTNET_EnableHWIntrinsic=0", 2)];

    [Theory]
    [InlineData("--scene turrets --turrets 12 --ticks 150")]
    [InlineData("--scene foragers --foragers 30 --ticks 200")]
    public async Task Every_instruction_set_and_thread_count_gives_the_same_summary(string scene)
    {
        string[] summaries = await Task.WhenAll(Runs.Select((run, k) => RunAsync(run.Switch, $"{scene} --seed 11 --threads {run.Threads}", k)));

        string first = summaries[0];
        for (int k = 1; k < Runs.Length; k++)
        {
            Assert.True(first == summaries[k], $"{Runs[k]} differs from {Runs[0]}:\n{summaries[k]}\nvs\n{first}");
        }

        using JsonDocument summary = JsonDocument.Parse(first);
        Assert.Matches("^[0-9a-f]{64}$", summary.RootElement.GetProperty("fingerprint").GetString());
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private async Task<string> RunAsync(string environment, string arguments, int index)
    {
        string output = Path.Combine(_directory, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(output);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Arena.dll"));
        foreach (string argument in (arguments + " --headless --out " + output).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_Enable", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        if (environment.Length > 0)
        {
            string[] pair = environment.Split('=');
            start.Environment[pair[0]] = pair[1];
        }

        using Process arena = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        Task<string> error = arena.StandardError.ReadToEndAsync();
        string text = await arena.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await arena.WaitForExitAsync(timeout.Token);
        Assert.True(arena.ExitCode == 0, $"{environment} {arguments}: exit {arena.ExitCode}\n{text}\n{await error}");
        using JsonDocument summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "summary.json")));
        return Summaries.WithoutTimings(summary.RootElement);
    }
}
