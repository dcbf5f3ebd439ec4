using EmbeddedLearn.Tests.Checkpoints;
using EmbeddedLearn.Tests.Package;
using Xunit;

namespace EmbeddedLearn.Tests.Determinism;

/// <summary>This test program, with FrameBudget beside it, published self-contained for linux-arm64 from a copy of
/// the sources (nothing of this run's own binaries is rebuilt), once for all of <see cref="Arm64DeterminismTests"/>:
/// publishing is the slow part. Published on first use, so that a machine without the emulator publishes nothing.</summary>
public sealed class Arm64Publish : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(6);
    private readonly TempFolder folder = new();
    private readonly Lazy<(bool Published, string Output)> publish;

    public Arm64Publish()
    {
        publish = new Lazy<(bool, string)>(Publish);
    }

    /// <summary>The folder holding <c>EmbeddedLearn.Tests</c> and <c>FrameBudget</c> for linux-arm64 (and their
    /// runtime); fails the calling test with the publish's output when it did not publish.</summary>
    public string Folder
    {
        get
        {
            (bool published, string output) = publish.Value;
            Assert.True(published, "dotnet publish tests/EmbeddedLearn.Tests for linux-arm64 failed:\n" + output);
            return folder.File("arm64");
        }
    }

    public void Dispose() => folder.Dispose();

    private (bool, string) Publish()
    {
        string sources = SourceCopy.Make(folder.File("src"), "components/EmbeddedLearn.Components", "engine/EmbeddedLearn.Engine",
            "demos/Soak", "demos/FrameBudget", "tests/EmbeddedLearn.Tests");
        // The analyzers already ran over these sources in this build; the copy is built to run, not to be checked again.
        (int code, string output) = ChildProcess.Dotnet(sources, Limit, "publish", "tests/EmbeddedLearn.Tests", "-c", "Release",
            "-r", "linux-arm64", "--self-contained", "-p:RunAnalyzers=false", "-o", folder.File("arm64"));
        return (code == 0, output);
    }
}
