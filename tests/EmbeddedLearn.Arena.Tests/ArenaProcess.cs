using System.Diagnostics;

namespace EmbeddedLearn.Arena.Tests;

/// <summary>The arena program as a person runs it: <c>dotnet Arena.dll ARGS</c>, a child process with its output and
/// errors redirected.</summary>
internal static class ArenaProcess
{
    public static Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Arena.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    /// <summary>Runs the program to its end; returns its exit code, output and errors.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        using Process arena = Start(arguments);
        Task<string> output = arena.StandardOutput.ReadToEndAsync();
        string error = await arena.StandardError.ReadToEndAsync();
        await arena.WaitForExitAsync();
        return (arena.ExitCode, await output, error);
    }
}
