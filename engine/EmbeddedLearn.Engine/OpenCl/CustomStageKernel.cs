using System.Text;
using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The kernel around a game's <see cref="DeviceBody"/>, generated from its declaration: the model's sizes
/// (<c>n, S, P, layers, widths, batch, act, count</c>), one parameter per declared <see cref="DeviceArgument"/> that is a
/// buffer, then the per-entity flags and the exclusion mask; the body is called with each buffer offset to the
/// work-item's first entity (<c>OFF(e, K)</c>, K its elements per entity). <see cref="ArchetypeBuffers"/> binds the
/// same list in the same order (<see cref="IsBuffer"/>, <see cref="ArchetypeBuffers.LaunchCustom"/>).
/// </summary>
internal static class CustomStageKernel
{
    /// <summary>The generated kernel's name.</summary>
    public const string Name = "el_custom_stage";

    /// <summary>Model sizes every generated kernel takes first, in order (bound by <see cref="ArchetypeBuffers"/>).</summary>
    public const string Sizes = "int n, int S, int P, int layers, __global const int* widths, int batch, int act, int count";

    /// <summary>Whether <paramref name="argument"/> is a per-entity buffer (a kernel parameter of its own).</summary>
    public static bool IsBuffer(DeviceArgument argument) =>
        argument is not (DeviceArgument.ParameterCount or DeviceArgument.LayerCount or DeviceArgument.Widths
            or DeviceArgument.Batch or DeviceArgument.HiddenActivation or DeviceArgument.OutputCount);

    /// <summary>Whether <paramref name="argument"/> exists only on archetypes that train (targets, gradients, settings ...).</summary>
    public static bool TrainingOnly(DeviceArgument argument) =>
        argument is DeviceArgument.Gradients or DeviceArgument.Targets or DeviceArgument.OutputGradient or DeviceArgument.Loss
            or DeviceArgument.SettingsF or DeviceArgument.SettingsI or DeviceArgument.State;

    /// <summary>The program text for <paramref name="body"/>: its source, then the kernel.</summary>
    public static string Source(DeviceBody body)
    {
        var text = new StringBuilder();
        text.Append("// ---- ").Append(body.Function).Append(" (a game's stage)\n").Append(body.Source).Append('\n');
        text.Append("__kernel void ").Append(Name).Append('(').Append(Sizes);
        for (int a = 0; a < body.Arguments.Count; a++)
        {
            if (IsBuffer(body.Arguments[a]))
            {
                text.Append(", __global ").Append(ElementType(body.Arguments[a])).Append("* a").Append(a);
            }
        }

        text.Append(", __global int* flags, int exclude)\n{\n    int e = get_global_id(0) * VW;\n    if (e >= n) return;\n    ");
        text.Append(body.Function).Append("(S");
        for (int a = 0; a < body.Arguments.Count; a++)
        {
            DeviceArgument argument = body.Arguments[a];
            text.Append(", ").Append(IsBuffer(argument) ? "a" + a + " + OFF(e, " + ElementsPerEntity(argument) + ")" : Scalar(argument));
        }

        text.Append(", EL_ON(flags + OFF(e, 1), exclude));\n}\n");
        return text.ToString();
    }

    private static string ElementType(DeviceArgument argument) => argument switch
    {
        DeviceArgument.SettingsI => "int",
        DeviceArgument.State => "long",
        _ => "float",
    };

    private static string ElementsPerEntity(DeviceArgument argument) => argument switch
    {
        DeviceArgument.Parameters or DeviceArgument.Gradients => "P",
        DeviceArgument.Inputs => "batch * widths[0]",
        DeviceArgument.Targets or DeviceArgument.Outputs or DeviceArgument.OutputGradient => "count",
        DeviceArgument.Loss => "1",
        DeviceArgument.SettingsF => "SF_COUNT",
        DeviceArgument.SettingsI => "SI_COUNT",
        DeviceArgument.State => "ST_COUNT",
        _ => throw new ArgumentOutOfRangeException(nameof(argument), argument, "not a buffer"),
    };

    private static string Scalar(DeviceArgument argument) => argument switch
    {
        DeviceArgument.ParameterCount => "P",
        DeviceArgument.LayerCount => "layers",
        DeviceArgument.Widths => "widths",
        DeviceArgument.Batch => "batch",
        DeviceArgument.HiddenActivation => "act",
        DeviceArgument.OutputCount => "count",
        _ => throw new ArgumentOutOfRangeException(nameof(argument), argument, "not a size"),
    };
}
