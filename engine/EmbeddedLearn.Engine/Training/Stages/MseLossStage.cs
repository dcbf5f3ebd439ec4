using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Stages;

/// <summary>
/// MSE loss per entity over its <c>N = B * out</c> outputs, reduced as its settings say: mean
/// <c>L = sum((o - t)^2) / N</c>, <c>dL/do = 2 (o - t) / N</c>; sum <c>L = sum((o - t)^2)</c>, <c>dL/do = 2 (o - t)</c>;
/// none: per-element <c>(o - t)^2</c> into the loss-elements component, <c>dL/do = 2 (o - t)</c>, reported loss = sum.
/// Writes the <see cref="Loss"/> component and the output gradient backward reads.
/// </summary>
public sealed class MseLossStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "MseLoss";

    /// <inheritdoc/>
    public StageKind Kind => StageKind.MseLoss;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Outputs | ModelData.Targets | ModelData.Settings | ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.OutputGradient | ModelData.Loss;

    /// <summary>The device code (MseLoss.cl beside this file).</summary>
    internal static readonly DeviceBody Body = new("el_mse_loss", DeviceBody.Embedded("MseLoss.cl"),
        [DeviceArgument.OutputCount, DeviceArgument.Outputs, DeviceArgument.Targets, DeviceArgument.OutputGradient, DeviceArgument.LossElements, DeviceArgument.Loss, DeviceArgument.SettingsI]) { KernelName = "mse_loss" };

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        if (!block.IsTrainable)
        {
            return;
        }

        ModelSpec spec = block.Spec;
        int n = spec.Outputs.ElementCount;
        ReadOnlySpan<float> outputs = block.Floats(spec.Outputs);
        ReadOnlySpan<float> targets = block.Floats(spec.Targets);
        Span<float> outputGradient = block.Floats(spec.OutputGradient);
        Span<float> elements = block.Floats(spec.LossElements);
        ReadOnlySpan<TrainingSettings> settings = block.Settings;
        Span<Loss> losses = block.Losses;
        ReadOnlySpan<TrainingState> states = block.States;
        for (int i = 0; i < block.Count; i++)
        {
            if ((states[i].Outcome & TickOutcome.SitsOut) != 0)
            {
                continue;
            }

            LossReduction reduction = settings[i].Reduction;
            Span<float> elementLoss = reduction == LossReduction.None ? elements.Slice(i * n, n) : [];
            losses[i].Value = MseLoss.Run(outputs.Slice(i * n, n), targets.Slice(i * n, n), reduction,
                outputGradient.Slice(i * n, n), elementLoss);
        }
    }
}
