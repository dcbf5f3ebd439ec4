using EmbeddedLearn.Training;

namespace EmbeddedLearn.OpenCl;

/// <summary>
/// The engine's stages the OpenCL program is built with, in the default pipeline order
/// (<see cref="TrainingPipeline.DefaultStages"/>: ZeroGrad, Forward, MseLoss, Backward, Guard, one step per optimizer
/// unit): each one's device body, its position (its bit in the fused kernels' <c>stages</c> mask, its device-time slot)
/// and its <c>STAGE_*</c> define, all derived from the stages themselves. Adding a stage or an optimizer unit to the
/// default pipeline adds it here.
/// </summary>
internal static class DeviceStages
{
    /// <summary>The stages, in order: name and device body.</summary>
    public static readonly (string Name, DeviceBody Body)[] All = [.. TrainingPipeline.DefaultStages()
        .Select(s => (s.Name, ((IBlockStage)s).Device ?? throw new InvalidOperationException("Stage " + s.Name + " has no device code.")))];

    /// <summary>How many there are.</summary>
    public static int Count => All.Length;

    /// <summary>The position of the stage whose body is <paramref name="body"/>, or -1 for a game's own.</summary>
    public static int IndexOf(DeviceBody? body)
    {
        for (int i = 0; i < All.Length; i++)
        {
            if (ReferenceEquals(All[i].Body, body))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The stage's kernel name (its body's <see cref="DeviceBody.KernelName"/>).</summary>
    public static string KernelName(int index) => All[index].Body.KernelName ?? All[index].Name;

    /// <summary>The define of a stage's bit: <c>STAGE_</c> and its name in capitals (STAGE_ZEROGRAD, STAGE_SGDSTEP ...).</summary>
    public static string Define(string name) => "STAGE_" + name.ToUpperInvariant();
}
