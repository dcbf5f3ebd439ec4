using System.Diagnostics;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>The arena program as a person runs it (a child process): it prints the address it serves, and refuses bad
/// options with a message and exit code 2.</summary>
public sealed class ProgramTests
{
    [Theory]
    [InlineData("--turrets 4")]
    [InlineData("--scene foragers --foragers 20")]
    [InlineData("--scene steering --agents 16")]
    public async Task The_live_view_prints_the_address_it_serves(string options)
    {
        using Process arena = Start(["--port", "0", "--threads", "1", .. options.Split(' ')]);
        try
        {
            string? line;
            do
            {
                line = await arena.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
            while (line is not null && !line.StartsWith("Arena live at ", StringComparison.Ordinal));

            Assert.NotNull(line);
            string address = line["Arena live at ".Length..].Split(' ')[0];
            Assert.StartsWith("http://127.0.0.1:", address, StringComparison.Ordinal);
            using var http = new HttpClient();
            Assert.Contains("<canvas id=\"arena\"", await http.GetStringAsync(new Uri(address)), StringComparison.Ordinal);
            Assert.Contains("window.foragersView", await http.GetStringAsync(new Uri(address + "foragers.js")), StringComparison.Ordinal);
            Assert.Contains("window.steeringView", await http.GetStringAsync(new Uri(address + "steering.js")), StringComparison.Ordinal);
        }
        finally
        {
            arena.Kill(entireProcessTree: true);
            await arena.WaitForExitAsync();
        }
    }

    [Theory]
    [InlineData("--turrets 0", "error: --turrets must be in 1..1024.")]
    [InlineData("--backend gpu", "error: --backend must be cpu, opencl or auto.")]
    [InlineData("--backend 1", "error: --backend must be cpu, opencl or auto.")]
    [InlineData("--bind somewhere", "error: --bind must be an IP address, e.g. 127.0.0.1 or 0.0.0.0.")]
    [InlineData("--headless --ticks 0", "error: --ticks must be at least 1.")]
    [InlineData("--headless --bad-sensors 1.5", "error: --bad-sensors must be in 0..1.")]
    [InlineData("--headless --bad-sensors NaN", "error: --bad-sensors must be in 0..1.")]
    [InlineData("--headless --checkpoint-every 0", "error: --checkpoint-every must be above 0 and at most 86400 seconds.")]
    [InlineData("--scene dragons", "error: --scene must be turrets, foragers or steering.")]
    [InlineData("--scene foragers --foragers 0", "error: --foragers must be in 1..4096.")]
    [InlineData("--scene foragers --decision-frames 9", "error: --decision-frames must be in 1..8.")]
    [InlineData("--scene foragers --checkpoint f.safetensors", "error: --checkpoint is for the turret scene only.")]
    [InlineData("--scene steering --checkpoint f.safetensors", "error: --checkpoint is for the turret scene only.")]
    [InlineData("--scene steering --agents 0", "error: --agents must be in 1..4096.")]
    [InlineData("--scene steering --decision-frames 0", "error: --decision-frames must be in 1..8.")]
    [InlineData("--threads 100000", "error: --threads must be in 1..256.")]
    [InlineData("--headless --checkpoint /nonexistent-folder-of-the-arena-tests/f.safetensors",
        "error: --checkpoint '/nonexistent-folder-of-the-arena-tests/f.safetensors': its folder '/nonexistent-folder-of-the-arena-tests' does not exist.")]
    [InlineData("--headless --checkpoint /", "error: --checkpoint '/' is a folder, not a file name.")]
    [InlineData("--bogus", "error: Unrecognized command or argument '--bogus'.\nRun with --help to see the options.")]
    public async Task Bad_options_are_refused_with_the_reason(string options, string message)
    {
        using Process arena = Start(options.Split(' '));

        string error = await arena.StandardError.ReadToEndAsync();
        await arena.WaitForExitAsync();

        Assert.Equal(2, arena.ExitCode);
        Assert.Equal(message, error.Trim());
    }

    [Fact]
    public async Task An_out_folder_that_cannot_be_written_is_refused_before_the_run()
    {
        string file = Path.Combine(Path.GetTempPath(), "arena-out-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, "a file where the folder's parent should be");
        try
        {
            using Process arena = Start("--headless", "--ticks", "5", "--out", Path.Combine(file, "sub"));
            string error = await arena.StandardError.ReadToEndAsync();
            string output = await arena.StandardOutput.ReadToEndAsync();
            await arena.WaitForExitAsync();
            Assert.Equal(2, arena.ExitCode);
            Assert.StartsWith("error: --out '" + Path.Combine(file, "sub") + "' cannot be written: ", error, StringComparison.Ordinal);
            Assert.Equal(string.Empty, output); // the game never started
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Process Start(params string[] arguments) => ArenaProcess.Start(arguments);
}
