using EmbeddedLearn.Components;
using EmbeddedLearn.Training.Stages;

namespace EmbeddedLearn.Training.SharedModels;

/// <summary>
/// The MSE loss of a shared model over the rows in use (<see cref="SharedModelState.RowsInBatch"/> = R, the members'
/// rows packed at the front), as <see cref="MseLossStage"/> computes it for one model on a batch of R rows: with
/// <c>N = R * out</c>, mean <c>L = sum((o - t)^2) / N</c>, <c>dL/do = 2 (o - t) / N</c>; sum <c>L = sum((o - t)^2)</c>,
/// <c>dL/do = 2 (o - t)</c>; none: per-element squares, reported loss = their sum. The output gradient and loss
/// elements of the unused rows are zero, so backward gives exactly the concatenated batch's gradient. Entities that
/// are no shared brain get <see cref="MseLossStage"/>'s loss over their whole batch. On a device it runs as its
/// <see cref="Device"/> body (SharedMseLoss.cl).
/// </summary>
public sealed class SharedMseLossStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "SharedMseLoss";

    /// <summary>The device code: SharedMseLoss.cl.</summary>
    internal static readonly DeviceBody Body = new("el_shared_mse_loss", DeviceBody.Embedded("SharedMseLoss.cl"),
        [DeviceArgument.Batch, DeviceArgument.OutputCount, DeviceArgument.MemberCapacity, DeviceArgument.Outputs, DeviceArgument.Targets,
            DeviceArgument.OutputGradient, DeviceArgument.LossElements, DeviceArgument.Loss, DeviceArgument.SettingsI,
            DeviceArgument.SharedModelState]);

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Outputs | ModelData.Targets | ModelData.Settings | ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.OutputGradient | ModelData.Loss;

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        SharedModelSpec? spec = SharedModelSpec.Find(block.Range.Archetype);
        if (spec is null)
        {
            MseLossStage.Run(block, block.Spec, rowsInUse: default);
            return;
        }

        MseLossStage.Run(block, spec.Model, block.Range.GetReadOnlySpan<SharedModelState>());
    }
}
