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
    public void Execute(in ModelBlock block) => Run(block, block.Spec, rowsInUse: default);

    /// <summary>The loss of every entity of <paramref name="block"/> (of <paramref name="model"/>) over the rows it uses:
    /// all its <c>B</c> rows, or <c>rowsInUse[i].RowsInBatch</c> (a shared model's rows packed at the front); the output
    /// gradient and loss elements of the rows it does not use are set to zero.</summary>
    internal static void Run(in ModelBlock block, ModelSpec model, ReadOnlySpan<SharedModelState> rowsInUse)
    {
        if (!block.IsTrainable)
        {
            return;
        }

        int n = model.Outputs.ElementCount, width = model.Layout.OutputWidth;
        ReadOnlySpan<float> outputs = block.Floats(model.Outputs);
        ReadOnlySpan<float> targets = block.Floats(model.Targets);
        Span<float> outputGradient = block.Floats(model.OutputGradient);
        Span<float> elements = block.Floats(model.LossElements);
        ReadOnlySpan<TrainingSettings> settings = block.Settings;
        Span<Loss> losses = block.Losses;
        ReadOnlySpan<TrainingState> states = block.States;
        for (int i = 0; i < block.Count; i++)
        {
            if ((states[i].Outcome & TickOutcome.SitsOut) != 0)
            {
                continue;
            }

            int used = rowsInUse.IsEmpty ? n : rowsInUse[i].RowsInBatch * width;
            LossReduction reduction = settings[i].Reduction;
            Span<float> gradient = outputGradient.Slice(i * n, n);
            Span<float> elementLoss = elements.Slice(i * n, n);
            losses[i].Value = MseLoss.Run(outputs.Slice(i * n, used), targets.Slice(i * n, used), reduction, gradient[..used],
                reduction == LossReduction.None ? elementLoss[..used] : []);
            if (used < n)
            {
                gradient[used..].Clear();
                elementLoss[used..].Clear();
            }
        }
    }
}
