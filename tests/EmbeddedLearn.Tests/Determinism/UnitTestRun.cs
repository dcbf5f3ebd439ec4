using EmbeddedLearn.Tests.Behaviour;
using EmbeddedLearn.Tests.Checkpoints;
using EmbeddedLearn.Tests.Kernels;
using EmbeddedLearn.Tests.Package;
using EmbeddedLearn.Tests.Training;
using Xunit;

namespace EmbeddedLearn.Tests.Determinism;

/// <summary>This test program run again as a child process (on another CPU or under an instruction-set switch) for the
/// tests that say whether learning is right there: every kernel test, every CPU case of every libtorch fixture on one
/// and three threads, and the thread-count and fingerprint determinism tests. The program runs xUnit.net's own
/// command line (the MTP server only starts with <c>--server</c>, which <c>dotnet test</c> passes); the classes are
/// chosen with <c>-class</c>, theories are enumerated case by case so that the libtorch cases on OpenCL devices are left
/// out by name, and the XML report must show every chosen class passing tests and nothing failing or skipped.</summary>
internal static class UnitTestRun
{
    /// <summary>The classes run: none of them starts this program again, so the child never recurses.</summary>
    public static readonly string[] Classes =
    [
        typeof(DenseKernelTests).Namespace + ".*",
        typeof(TorchParityTests).FullName!,
        typeof(ThreadCountTests).FullName!,
        typeof(ModelFingerprintTests).FullName!,
    ];

    /// <summary>Runs <paramref name="program"/> <paramref name="arguments"/> (this test program, maybe behind an
    /// emulator) on <see cref="Classes"/> less the methods <paramref name="excludedMethods"/>, with
    /// <paramref name="set"/> added to the environment and the variables starting with <paramref name="drop"/>
    /// removed; fails unless it exits 0 and its report shows each class passing tests and nothing else.</summary>
    public static UnitTestReport Run(string program, string[] arguments, TimeSpan limit, IReadOnlyDictionary<string, string> set,
        string[] drop, params string[] excludedMethods)
    {
        using var folder = new TempFolder();
        string xml = folder.File("results.xml");
        var options = new List<string>(arguments);
        foreach (string name in Classes)
        {
            options.AddRange(["-class", name]);
        }

        foreach (string method in excludedMethods)
        {
            options.AddRange(["-method-", method]);
        }

        options.AddRange(["-preEnumerateTheories", "-displayName-", "*(backend: OpenCl*",
            "-noColor", "-noLogo", "-noAutoReporters", "-reporter", "quiet", "-result-xml", xml]);
        (int code, string output) = ChildProcess.Run(program, folder.Path, limit, [.. options], set, drop);
        string command = $"{string.Join(' ', set.Select(p => p.Key + "=" + p.Value))} {program} {string.Join(' ', options)}";
        Assert.True(File.Exists(xml), $"{command}\nexited {code} without a report:\n{output}");

        UnitTestReport report = UnitTestReport.Read(xml);
        string summary = $"{command}\nexited {code}; {report}\n{string.Join('\n', report.Problems)}\n{output}";
        Assert.True(code == 0 && report.Failed == 0 && report.Errors == 0 && report.Skipped == 0 && report.Passed == report.Total, summary);
        foreach (string name in Classes)
        {
            string prefix = name.TrimEnd('*');
            Assert.True(report.PassedByClass.Any(c => name.EndsWith('*') ? c.Key.StartsWith(prefix, StringComparison.Ordinal) : c.Key == name),
                "no test of " + name + " ran: " + summary);
        }

        Assert.All(report.PassedByClass.Keys, c => Assert.DoesNotContain(typeof(UnitTestRun).Namespace!, c, StringComparison.Ordinal));
        return report;
    }
}
