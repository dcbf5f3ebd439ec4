namespace EmbeddedLearn.OpenCl;

/// <summary>The OpenCL C source of the training kernels, one program: the header <see cref="DeviceSettingsLayout"/>
/// generates, Kernels/common.cl, the device body of every engine stage (<see cref="DeviceStages"/>: each stage's .cl
/// file beside it in Training/), the kernel of each stage and the fused kernels' stage calls generated from the
/// bodies' declarations (<see cref="DeviceKernelSource"/>), then Kernels/kernels.cl (the fused kernel, the layout
/// conversions), gpu.cl (the GPU family) and agents.cl (Q-learning agents' transfers).</summary>
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

    /// <summary>Recorded transitions into the replay rings (Kernels/agents.cl).</summary>
    public const string RingAppend = "ring_append";

    /// <summary>The hand-written files after the generated kernels, in order.</summary>
    public static readonly string[] Files = ["kernels.cl", "gpu.cl", "agents.cl"];

    /// <summary>Every kernel the program defines: the stage kernels (in <see cref="DeviceStages"/> order), then the fused
    /// and conversion kernels.</summary>
    public static readonly string[] AllKernels =
        [.. Enumerable.Range(0, DeviceStages.Count).Select(DeviceStages.KernelName), Fused, ToInterleaved, ToEntityMajor, RingAppend];

    private static readonly Lazy<string> Text = new(Load);

    private static readonly Lazy<string> PreludeText = new(() => DeviceSettingsLayout.Header() + "// ---- common.cl\n" + Read("common.cl"));

    /// <summary>The embedded source.</summary>
    public static string Training => Text.Value;

    /// <summary>What a game's stage body is compiled after: the generated header and common.cl (LD, ST, STM, OFF, EL_ON,
    /// the lane types, the activations).</summary>
    public static string Prelude => PreludeText.Value;

    private static string Load()
    {
        var text = new System.Text.StringBuilder(Prelude);
        var sources = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, Training.DeviceBody body) in DeviceStages.All)
        {
            if (sources.Add(body.Source)) // a source two stages share comes once
            {
                text.Append("// ---- ").Append(name).Append('\n').Append(body.Source).Append('\n');
            }
        }

        for (int i = 0; i < DeviceStages.Count; i++)
        {
            text.Append(DeviceKernelSource.Kernel(DeviceStages.All[i].Body, DeviceStages.KernelName(i)));
        }

        text.Append(DeviceKernelSource.FusedCalls(DeviceStages.All));
        foreach (string file in Files)
        {
            text.Append("// ---- ").Append(file).Append('\n').Append(Read(file)).Append('\n');
        }

        return text.ToString();
    }

    private static string Read(string file) => EmbeddedLearn.Training.EmbeddedText.Read("EmbeddedLearn.OpenCl." + file);
}
