using System.Diagnostics;
using System.Text;

namespace EmbeddedLearn.Tests.Package;

/// <summary>The <c>dotnet</c> command line as a person runs it: a child process in a folder, its output and errors
/// captured, killed (with its children) after a time limit.</summary>
internal static class DotnetCli
{
    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="folder"/>; returns the exit code and the output and errors
    /// together. A run past <paramref name="limit"/> is killed and reported as exit code -1.</summary>
    public static (int ExitCode, string Output) Run(string folder, TimeSpan limit, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A child build must not reuse this test run's build servers or node reuse settings.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var output = new StringBuilder();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, output + "\n(killed after " + limit + ")");
        }

        process.WaitForExit(); // the redirected streams drain
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
