using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Stages;

/// <summary>
/// <c>optimizer.zero_grad()</c> as a stage: clears an entity's gradients (P floats set to 0) at the start of each
/// accumulation window, that is when <c>BackwardPasses % K == 0</c>. Without this stage in the pipeline gradients
/// accumulate across ticks, exactly as repeated <c>loss.backward()</c> calls do in PyTorch.
/// </summary>
public sealed class ZeroGradStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "ZeroGrad";

    /// <inheritdoc/>
    public StageKind Kind => StageKind.ZeroGrad;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Settings | ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.Gradients;

    /// <summary>The device code (ZeroGrad.cl beside this file).</summary>
    internal static readonly DeviceBody Body = new("el_zero_grad", DeviceBody.Embedded("ZeroGrad.cl"),
        [DeviceArgument.ParameterCount, DeviceArgument.Gradients, DeviceArgument.SettingsI, DeviceArgument.State]) { KernelName = "zero_grad" };

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        if (!block.IsTrainable)
        {
            return;
        }

        int p = block.Spec.Layout.ParameterCount;
        Span<float> gradients = block.Floats(block.Spec.Gradients);
        ReadOnlySpan<TrainingSettings> settings = block.Settings;
        ReadOnlySpan<TrainingState> states = block.States;
        for (int i = 0; i < block.Count; i++)
        {
            if (states[i].BackwardPasses % settings[i].AccumulationSteps == 0 && (states[i].Outcome & TickOutcome.SitsOut) == 0)
            {
                Cpu.ZeroFill.Clear(gradients.Slice(i * p, p));
            }
        }
    }
}
