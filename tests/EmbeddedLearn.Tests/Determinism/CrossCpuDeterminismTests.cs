using System.Text.Json;
using EmbeddedLearn.Tests.Package;
using Xunit;

namespace EmbeddedLearn.Tests.Determinism;

/// <summary>
/// Learning replays bit for bit on every CPU: FrameBudget trains a world with <c>--fingerprint</c> as a child process
/// under each of the runtime's instruction-set switches (AVX-512, AVX2, AVX and all hardware intrinsics off, which on this
/// machine class select the Vector512, Vector256, Vector128 and scalar kernel paths, the last two without an FMA
/// instruction) and on 1 and 3 threads, and every
/// run must print the same SHA-256 of every entity's parameters and optimizer state.
/// </summary>
public sealed class CrossCpuDeterminismTests
{
    /// <summary>The runtime's switches: none, then narrower and narrower instruction sets. <c>DOTNET_EnableAVX512F</c>
    /// is the knob older runtimes read (.NET 10 reads <c>DOTNET_EnableAVX512</c>).</summary>
    private static readonly string[] Switches =
        ["", "DOTNET_EnableAVX512F=0", "DOTNET_EnableAVX512=0", "DOTNET_EnableAVX2=0", "DOTNET_EnableAVX=0", "DOTNET_EnableHWIntrinsic=0"];

    public static TheoryData<string> Configurations() => new()
    {
        "--optimizer sgd --activation tanh",
        "--optimizer adam --activation relu",
        "--optimizer adamw --activation sigmoid",
        "--optimizer adam --activation leaky_relu --layout 7,19,5,1 --batch 3 --decision-period 3",
        "--optimizer sgd --activation tanh --layout 5,9,2 --batch 6",
        "--optimizer adamw --activation relu --layout 3,40,33,24,5 --batch 5",
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public async Task Every_instruction_set_and_thread_count_learns_the_same_bits(string configuration)
    {
        var runs = new List<Task<(string Label, string Simd, string Fingerprint)>>();
        foreach (string environment in Switches)
        {
            foreach (int threads in new[] { 1, 3 })
            {
                runs.Add(RunAsync(environment, $"{configuration} --threads {threads}"));
            }
        }

        (string Label, string Simd, string Fingerprint)[] results = await Task.WhenAll(runs);
        string table = string.Join("\n", results.Select(r => $"{r.Label}: {r.Simd} {r.Fingerprint}"));
        Assert.All(results, r => Assert.Matches("^[0-9a-f]{64}$", r.Fingerprint));
        Assert.True(results.All(r => r.Fingerprint == results[0].Fingerprint), "fingerprints differ:\n" + table);
        // The switches took effect: at least the scalar path and a vector path ran (on x86-64 with AVX-512, all four).
        Assert.True(results.Select(r => r.Simd).Distinct().Count() >= 2, "one kernel path only:\n" + table);
    }

    /// <summary>Runs FrameBudget (beside the test assembly) with <paramref name="environment"/> set and every other
    /// instruction-set switch cleared; returns the kernel path it reports and its fingerprint.</summary>
    private static async Task<(string Label, string Simd, string Fingerprint)> RunAsync(string environment, string arguments)
    {
        string json = Path.Combine(Path.GetTempPath(), "el-determinism-" + Guid.NewGuid().ToString("N") + ".json");
        string[] argumentList = [Path.Combine(AppContext.BaseDirectory, "FrameBudget.dll"),
            .. (arguments + " --entities 24 --ticks 6 --warmup 2 --fingerprint --json " + json).Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        string[] pair = environment.Length > 0 ? environment.Split('=') : [];
        var set = new Dictionary<string, string>();
        if (pair.Length == 2)
        {
            set[pair[0]] = pair[1];
        }

        string label = (environment.Length == 0 ? "no switch" : environment) + " " + arguments;
        try
        {
            (int code, string output) = await Task.Run(() => ChildProcess.Run("dotnet", null, TimeSpan.FromMinutes(3), argumentList, set,
                "DOTNET_Enable", "DOTNET_PreferredVectorBitWidth"));
            Assert.True(code == 0, $"{label}: exit {code}\n{output}");
            string last = output.TrimEnd().Split('\n')[^1].Trim();
            Assert.StartsWith("fingerprint ", last);
            using JsonDocument result = JsonDocument.Parse(await File.ReadAllTextAsync(json));
            return (label, result.RootElement.GetProperty("simd").GetString() ?? "", last["fingerprint ".Length..]);
        }
        finally
        {
            File.Delete(json);
        }
    }
}
