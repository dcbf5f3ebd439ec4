using System.Diagnostics;
using System.Text;

namespace EmbeddedLearn.Tests.Package;

/// <summary>A program as a person runs it: a child process in a folder, its output and errors captured together,
/// killed (with its children) after a time limit.</summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> in <paramref name="folder"/> (null:
    /// this process's folder), its environment this process's with the variables named by <paramref name="drop"/>
    /// (prefixes) removed and <paramref name="set"/> added; returns the exit code and the output and errors together.
    /// A run past <paramref name="limit"/> is killed and reported as exit code -1.</summary>
    public static (int ExitCode, string Output) Run(string program, string? folder, TimeSpan limit, string[] arguments,
        IReadOnlyDictionary<string, string>? set = null, params string[] drop)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (folder is not null)
        {
            start.WorkingDirectory = folder;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string key in start.Environment.Keys.Where(k => drop.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach ((string key, string value) in set ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException(program + " did not start.");
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

    /// <summary>Runs <c>dotnet ARGS</c> in <paramref name="folder"/> as <see cref="Run"/> does, without reusing this
    /// test run's build servers.</summary>
    public static (int ExitCode, string Output) Dotnet(string folder, TimeSpan limit, params string[] arguments) =>
        Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", folder, limit, arguments, new Dictionary<string, string>
        {
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        });

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
