using System.Runtime.InteropServices;
using EmbeddedLearn.Tests.Kernels;
using Xunit;

namespace EmbeddedLearn.Tests.Determinism;

/// <summary>
/// The kernel, libtorch parity and determinism tests (<see cref="UnitTestRun"/>) pass on the narrower x86-64 CPUs too:
/// this test program runs them again as a child process under each of the runtime's instruction-set switches, which
/// select the Vector256, Vector128 and scalar kernel paths (and, without AVX2, no FMA instruction: the software fused
/// multiply-add, on 256-bit doubles; without AVX, SSE only, on 128-bit ones). This process runs them with none. x86-64
/// only; skips, saying so, elsewhere.
/// </summary>
public sealed class InstructionSetSwitchTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(6);

    /// <summary>Each switch as <c>NAME=VALUE</c> pairs. AVX-512 is switched off by both names: <c>DOTNET_EnableAVX512</c>
    /// is what .NET 10 reads, <c>DOTNET_EnableAVX512F</c> what older runtimes read.</summary>
    public static TheoryData<string> Switches() => new()
    {
        "DOTNET_EnableAVX512=0 DOTNET_EnableAVX512F=0",
        "DOTNET_EnableAVX2=0",
        "DOTNET_EnableAVX=0",
        "DOTNET_EnableHWIntrinsic=0",
    };

    [Theory]
    [MemberData(nameof(Switches))]
    public void The_kernel_parity_and_determinism_tests_pass_under(string switches)
    {
        Assert.SkipUnless(RuntimeInformation.ProcessArchitecture == Architecture.X64,
            "The instruction-set switches are x86-64's; this process runs on " + RuntimeInformation.ProcessArchitecture);
        Dictionary<string, string> set = switches.Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        // Without hardware intrinsics the kernels take the scalar path and never the vector forms of the activations;
        // those run there as the runtime's software fallback, over 10 million points a few hundred times slower, and
        // are left out (the Vector128 form runs on ARM64 and without AVX2, Vector256 and Vector512 without a switch).
        string[] excluded = switches == "DOTNET_EnableHWIntrinsic=0"
            ? [typeof(FastActivationTests).FullName + "." + nameof(FastActivationTests.Vector_forms_equal_the_scalar_form_bitwise)]
            : [];
        UnitTestReport report = UnitTestRun.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "EmbeddedLearn.Tests.dll")], Limit, set,
            ["DOTNET_Enable", "DOTNET_PreferredVectorBitWidth"], excluded);
        Assert.Contains("(x64)", report.Environment, StringComparison.Ordinal);
    }
}
