using System.Globalization;
using EmbeddedLearn.Training;
using EmbeddedLearn.Training.Parity;

namespace EmbeddedLearn.Demos.Parity;

/// <summary>The parity command: load, run every case, print a line per case and a summary.</summary>
internal static class ParityCommand
{
    public static int Run(FileInfo fixture, string backend, int threads, TextWriter output, TextWriter error)
    {
        ParityFixture file;
        try
        {
            file = ParityFixtureReader.ReadFile(fixture.FullName);
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine("error: " + ex.Message);
            return 2;
        }

        if (threads < 1)
        {
            error.WriteLine("error: --threads must be at least 1; got " + threads.ToString(CultureInfo.InvariantCulture) + ".");
            return 2;
        }

        if (backend == "opencl")
        {
            error.WriteLine("error: the OpenCL backend is not part of this build yet; use --backend cpu.");
            return 2;
        }

        output.WriteLine($"fixture: {fixture.Name} ({file.Source}), {file.Cases.Count} cases");
        output.WriteLine($"backend: cpu ({threads} thread{(threads == 1 ? string.Empty : "s")})");
        int passed = 0;
        int failed = 0;
        var options = new PipelineOptions { Threads = threads };
        foreach (ParityCase parityCase in file.Cases)
        {
            ParityResult result = ParityRunner.Run(parityCase, c => ParityRunner.DefaultPipeline(c, options));
            string verdict = result.Passed ? "PASS" : "FAIL";
            output.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-45} worst relative error {1:E2}  {2}",
                result.Case, result.WorstRelativeError, verdict));
            if (!result.Passed)
            {
                output.WriteLine("    " + result.FirstFailure);
                failed++;
            }
            else
            {
                passed++;
            }
        }

        output.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }
}
