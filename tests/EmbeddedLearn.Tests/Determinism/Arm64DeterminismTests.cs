using System.Text.RegularExpressions;
using EmbeddedLearn.Tests.Kernels;
using EmbeddedLearn.Tests.Package;
using Xunit;

namespace EmbeddedLearn.Tests.Determinism;

/// <summary>
/// ARM64 learns the bits x86-64 learns, and passes the kernel, libtorch parity and determinism tests: this test program
/// and FrameBudget, published self-contained for linux-arm64 from a copy of the sources (<see cref="Arm64Publish"/>),
/// run as ARM64 processes under QEMU's user-mode emulator (AdvSimd through the Vector128 kernels, as on a Mac with
/// Apple silicon or an ARM handheld). FrameBudget must print the fingerprint the same configuration prints here, and
/// the program's own kernel, parity and determinism tests (<see cref="UnitTestRun"/>) must all pass.
/// Needs <c>qemu-aarch64-static</c> and an AArch64 C runtime with OpenSSL in <c>/usr/aarch64-linux-gnu</c> (what
/// <c>.ci/run</c> installs); skips, saying what is missing, elsewhere, and fails instead when
/// <c>EMBEDDEDLEARN_REQUIRE_ARM64=1</c>.
/// </summary>
public sealed partial class Arm64DeterminismTests(Arm64Publish arm64) : IClassFixture<Arm64Publish>
{
    private const string Sysroot = "/usr/aarch64-linux-gnu";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(8);

    /// <summary>The emulated process's environment. W^X off: with it on (the runtime's default) the runtime writes
    /// code and its call stubs through a second, writable mapping of the same memory, a write that QEMU does not see,
    /// so QEMU goes on running its stale translation of the code that was there before: calls land in old stubs, and
    /// tests fail at random with NullReferenceExceptions or crash with SIGSEGV (exit 139). No ICU in the AArch64
    /// runtime libraries: invariant globalization.</summary>
    private static readonly Dictionary<string, string> Emulated = new()
    {
        ["DOTNET_EnableWriteXorExecute"] = "0",
        ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",
    };

    /// <summary>Optimizers, activations, odd layouts and decision periods (the schedule's scan compares rows in vectors), as
    /// the x86-64 switches' test has them.</summary>
    private static readonly string[] Configurations =
    [
        "--optimizer sgd --activation tanh",
        "--optimizer adam --activation relu",
        "--optimizer adamw --activation sigmoid",
        "--optimizer adam --activation leaky_relu --layout 7,19,5,1 --batch 3 --decision-period 3",
        "--optimizer adamw --activation relu --layout 3,40,33,24,5 --batch 5",
    ];

    [Fact]
    public void An_ARM64_process_learns_the_same_bits_as_this_one()
    {
        RequireEmulator();
        string published = arm64.Folder;

        var table = new List<string>();
        foreach (string configuration in Configurations)
        {
            string[] arguments = [.. configuration.Split(' '), "--entities", "24", "--ticks", "6", "--warmup", "2", "--threads", "2", "--fingerprint"];
            string here = Fingerprint(Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "FrameBudget.dll"), .. arguments]));
            string arm = Fingerprint(Run("qemu-aarch64-static", ["-L", Sysroot, Path.Combine(published, "FrameBudget"), .. arguments]));
            table.Add($"{configuration}: x86-64 {here}, ARM64 {arm}");
            Assert.True(here == arm, "ARM64 learned other bits:\n" + string.Join("\n", table));
        }
    }

    [Fact]
    public void The_kernel_parity_and_determinism_tests_pass_in_an_ARM64_process()
    {
        RequireEmulator();
        string published = arm64.Folder;
        // The software fused multiply-add serves x86-64 CPUs without the instruction; an ARM64 CPU always has it, so
        // its kernels never take that code. Its two long sweeps run here natively, and under DOTNET_EnableAVX2=0 and
        // DOTNET_EnableAVX=0 (InstructionSetSwitchTests), and are left out under the emulator.
        string[] excluded =
        [
            typeof(ExactMathTests).FullName + "." + nameof(ExactMathTests.The_emulated_fma_equals_the_fused_instruction_bitwise),
            typeof(ExactMathTests).FullName + "." + nameof(ExactMathTests.Sums_a_hair_from_a_float_midpoint_round_as_the_fused_instruction),
        ];
        UnitTestReport report = UnitTestRun.Run("qemu-aarch64-static", ["-L", Sysroot, Path.Combine(published, "EmbeddedLearn.Tests")],
            Limit, Emulated, ["DOTNET_Enable"], excluded);
        Assert.Contains("(ARM)", report.Environment, StringComparison.Ordinal);
    }

    /// <summary>Skips (or fails, when required) unless the emulator and the AArch64 runtime libraries are there.</summary>
    private static void RequireEmulator()
    {
        string? missing = !OnPath("qemu-aarch64-static") ? "qemu-aarch64-static (Debian: qemu-user-static)"
            : !File.Exists(Path.Combine(Sysroot, "lib", "ld-linux-aarch64.so.1")) ? "the AArch64 C runtime (Debian: libc6-arm64-cross)"
            : !File.Exists(Path.Combine(Sysroot, "lib", "libstdc++.so.6")) ? "the AArch64 C++ runtime (Debian: libstdc++6-arm64-cross)"
            : !File.Exists(Path.Combine(Sysroot, "lib", "libssl.so.3")) ? "OpenSSL for AArch64 in " + Sysroot + "/lib (libssl.so.3, libcrypto.so.3 from Debian's libssl3:arm64)"
            : null;
        if (missing is null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("EMBEDDEDLEARN_REQUIRE_ARM64") == "1")
        {
            Assert.Fail("EMBEDDEDLEARN_REQUIRE_ARM64=1 but this machine lacks " + missing);
        }

        Assert.SkipWhen(true, "No ARM64 emulation: this machine lacks " + missing);
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));

    /// <summary>Runs a program with the instruction-set switches cleared, in the emulated process's environment; returns
    /// its output, failing on a non-zero exit or a run past the time limit.</summary>
    private static string Run(string program, string[] arguments)
    {
        (int code, string output) = ChildProcess.Run(program, null, Limit, arguments, Emulated, "DOTNET_Enable");
        Assert.True(code == 0, $"{program} {string.Join(' ', arguments)} exited {code}:\n{output}");
        return output;
    }

    private static string Fingerprint(string output)
    {
        Match match = FingerprintLine().Match(output);
        Assert.True(match.Success, "no fingerprint line in:\n" + output);
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"^fingerprint ([0-9a-f]{64})\s*$", RegexOptions.Multiline)]
    private static partial Regex FingerprintLine();
}
