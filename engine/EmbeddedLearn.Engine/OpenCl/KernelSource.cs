namespace EmbeddedLearn.OpenCl;

/// <summary>The OpenCL C source of the training kernels, embedded in the assembly: the header
/// <see cref="DeviceSettingsLayout"/> generates, then Kernels/common.cl, stages.cl, optimizers.cl (one step body per
/// optimizer unit), kernels.cl and gpu.cl (the GPU family), concatenated in that order into one program.</summary>
internal static class KernelSource
{
    /// <summary>A source that does not compile, used to drive the build-failure path in tests.</summary>
    public const string Broken = "__kernel void zero_grad(int n) { this is not OpenCL C; }\n";

    /// <summary>The fused kernel (see <see cref="ArchetypeBuffers.LaunchFused"/>).</summary>
    public const string Fused = "fused_tick";

    /// <summary>The GPU family's whole-tick kernel (see <see cref="OpenClKernelFamily.Gpu"/> and Kernels/gpu.cl), built
    /// only into programs with one entity per work-item (VW = 1).</summary>
    public const string GpuTick = "gpu_tick";

    /// <summary>Entity-major [n, k] to interleaved [k, stride].</summary>
    public const string ToInterleaved = "to_interleaved";

    /// <summary>Interleaved [k, stride] to entity-major [n, k].</summary>
    public const string ToEntityMajor = "to_entity_major";

    /// <summary>The source files, in the order they are concatenated.</summary>
    public static readonly string[] Files = ["common.cl", "stages.cl", "optimizers.cl", "kernels.cl", "gpu.cl"];

    /// <summary>The kernel names, one per stage, indexed by <see cref="OpenClStageKind"/> (the optimizer steps' are their
    /// units' <see cref="Training.Optimizers.OptimizerUnit.KernelName"/>; a test checks they agree).</summary>
    public static readonly string[] KernelNames =
        ["zero_grad", "forward", "mse_loss", "backward", "guard", "sgd_step", "adam_step", "adamw_step"];

    /// <summary>Every kernel the program defines: the stage kernels, then the fused and conversion kernels.</summary>
    public static readonly string[] AllKernels = [.. KernelNames, Fused, ToInterleaved, ToEntityMajor];

    private static readonly Lazy<string> Text = new(Load);

    private static readonly Lazy<string> PreludeText = new(() => DeviceSettingsLayout.Header() + "// ---- common.cl\n" + Read("common.cl"));

    /// <summary>The embedded source.</summary>
    public static string Training => Text.Value;

    /// <summary>What a game's stage body is compiled after: the generated header and common.cl (LD, ST, STM, OFF, EL_ON,
    /// the lane types, the activations).</summary>
    public static string Prelude => PreludeText.Value;

    private static string Load()
    {
        var text = new System.Text.StringBuilder(DeviceSettingsLayout.Header());
        foreach (string file in Files)
        {
            text.Append("// ---- ").Append(file).Append('\n').Append(Read(file)).Append('\n');
        }

        return text.ToString();
    }

    private static string Read(string file)
    {
        string name = "EmbeddedLearn.OpenCl." + file;
        using Stream stream = typeof(KernelSource).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException("Embedded resource " + name + " is missing from the engine assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
