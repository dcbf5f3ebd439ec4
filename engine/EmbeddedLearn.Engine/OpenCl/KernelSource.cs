namespace EmbeddedLearn.OpenCl;

/// <summary>The OpenCL C source of the training kernels, embedded in the assembly (Kernels/training.cl).</summary>
internal static class KernelSource
{
    /// <summary>The resource name the project gives the file.</summary>
    public const string ResourceName = "EmbeddedLearn.OpenCl.training.cl";

    /// <summary>A source that does not compile, used to drive the build-failure path in tests.</summary>
    public const string Broken = "__kernel void zero_grad(int n) { this is not OpenCL C; }\n";

    /// <summary>The kernel names, one per stage.</summary>
    public static readonly string[] KernelNames = ["zero_grad", "forward", "mse_loss", "backward", "sgd_step", "adam_step"];

    private static readonly Lazy<string> Text = new(Load);

    /// <summary>The embedded source.</summary>
    public static string Training => Text.Value;

    private static string Load()
    {
        using Stream stream = typeof(KernelSource).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("Embedded resource " + ResourceName + " is missing from the engine assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
