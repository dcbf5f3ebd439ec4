using System.Diagnostics;
using EmbeddedLearn.Checkpoints;
using EmbeddedLearn.Demos.Arena;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Arena.Tests;

/// <summary><c>--checkpoint FILE</c> through the program itself (a child process): a corrupt or truncated file makes it
/// exit 3 before the game starts, naming the file and leaving it as it was; the live view saves on SIGTERM.</summary>
public sealed class ArenaCheckpointProcessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("arena-checkpoint-process-").FullName;

    [Theory]
    [InlineData("flip a data byte", "the checksum of the data is")]
    [InlineData("flip a header byte", "")]
    [InlineData("truncate", "")]
    public async Task A_corrupt_checkpoint_stops_the_program_with_the_file_named_and_the_file_unchanged(string damage, string problem)
    {
        string path = Path.Combine(_directory, "arena.safetensors"), output = Path.Combine(_directory, "out");
        WriteCheckpoint(path);
        byte[] bytes = File.ReadAllBytes(path);
        int headerEnd = 8 + (int)BitConverter.ToInt64(bytes, 0);
        bytes = damage switch
        {
            "flip a data byte" => Flip(bytes, bytes.Length - 100),
            "flip a header byte" => Flip(bytes, headerEnd / 2),
            _ => bytes[..(bytes.Length - 1000)],
        };
        File.WriteAllBytes(path, bytes);

        (int exitCode, string stdout, string error) = await ArenaProcess.RunAsync("--headless", "--ticks", "5", "--turrets", "2", "--threads", "1",
            "--checkpoint", path, "--out", output);

        Assert.Equal(3, exitCode);
        Assert.StartsWith("error: Checkpoint '" + path + "': ", error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stdout); // the game never started
        Assert.False(Directory.Exists(output));
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task The_live_view_saves_its_checkpoint_when_stopped_with_SIGTERM()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "sends SIGTERM with kill(1)");
        string path = Path.Combine(_directory, "live.safetensors");
        using Process arena = ArenaProcess.Start("--port", "0", "--turrets", "2", "--threads", "1", "--checkpoint", path,
            "--checkpoint-every", "0.5", "--bad-sensors", "0.5");
        string? line;
        do
        {
            line = await arena.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        while (line is not null && !line.Contains("saved " + path + ";", StringComparison.Ordinal));

        Assert.NotNull(line);
        Assert.Contains("contained: left out 6, steps skipped 0, quarantined 0", line, StringComparison.Ordinal); // 3 turrets: learner and aimer
        using (Process kill = Process.Start("kill", ["-TERM", arena.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        string rest = await arena.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await arena.WaitForExitAsync();

        Assert.Equal(0, arena.ExitCode);
        string last = rest.TrimEnd().Split('\n')[^1];
        Assert.EndsWith(": saved " + path + " on exit", last, StringComparison.Ordinal);
        string frames = last["frame ".Length..last.IndexOf(':', StringComparison.Ordinal)];
        Assert.Equal("{\"frames\":" + frames + "}\n", File.ReadAllText(ArenaScene.ClockPath(path)));
        using var world = new World();
        Assert.Equal(12, Checkpoint.Load(world, path).ByKey.Count); // 6 turrets, a learner and an aimer each
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void WriteCheckpoint(string path)
    {
        var options = new ArenaOptions(TurretsPerGroup: 2, Threads: 1, BudgetMs: null, ArenaBackend.Cpu, Seed: 4, Checkpoint: path);
        using ArenaScene scene = options.CreateScene(log: null);
        HeadlessRun.Run(scene, frames: 20, Path.Combine(_directory, "first"), output: null, options.CreateCheckpoint());
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        byte[] copy = [.. bytes];
        copy[index] ^= 0x5A;
        return copy;
    }
}
