using EmbeddedLearn.Components;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// The PPO loss of each brain's minibatch, after Forward wrote its outputs <c>[M, A + 1]</c>: the clipped surrogate,
/// the value loss (clipped when <see cref="PpoSettings.ValueClip"/> &gt; 0) and the entropy bonus
/// (<see cref="PpoSettings"/>), with advantages normalised per minibatch when asked. Writes <c>dL/d outputs</c> into the
/// model's output gradient (which Backward reads), <c>dL/d log sigma</c> into <see cref="PpoSpec.LogStdGradient"/> (which
/// the guard measures and clips with the others and <see cref="PpoLogStdStepStage"/> steps), the total into the model's
/// <see cref="Loss"/> and the measurements into <see cref="PpoStats"/>. On a device it runs as its <see cref="Device"/> body
/// (PpoLoss.cl).
/// </summary>
public sealed class PpoLossStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "PpoLoss";

    /// <summary>The device code: PpoLoss.cl.</summary>
    internal static readonly DeviceBody Body = PpoBlock.Body("el_ppo_loss", "PpoLoss.cl",
        [DeviceArgument.LayerCount, DeviceArgument.Widths, DeviceArgument.Batch, DeviceArgument.PpoActionWidth, DeviceArgument.PpoContinuous, DeviceArgument.Outputs, DeviceArgument.OutputGradient, DeviceArgument.PpoBatch, DeviceArgument.PpoLogStd, DeviceArgument.PpoLogStdGradient, DeviceArgument.PpoSettings, DeviceArgument.PpoState, DeviceArgument.PpoStats, DeviceArgument.Loss, DeviceArgument.AgentScratch]);

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Outputs | ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.OutputGradient | ModelData.Loss;

    /// <inheritdoc/>
    public void Admit(in ModelBlock block) => PpoBlock.Admit(block);

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        PpoSpec? spec = PpoBlock.Spec(block);
        if (spec is null || !block.IsTrainable)
        {
            return;
        }

        int m = spec.Model.Batch;
        int a = spec.ActionCount;
        int outFloats = m * (a + 1);
        int batchFloats = m * spec.BatchWidth;
        ReadOnlySpan<float> outputs = block.Floats(spec.Model.Outputs);
        Span<float> outputGradient = block.Floats(spec.Model.OutputGradient);
        ReadOnlySpan<float> batches = block.Floats(spec.Batch);
        ReadOnlySpan<float> logStds = spec.LogStd is null ? default : block.Floats(spec.LogStd);
        Span<float> logStdGradients = spec.LogStdGradient is null ? default : block.Floats(spec.LogStdGradient);
        ReadOnlySpan<PpoSettings> settings = block.Range.GetReadOnlySpan<PpoSettings>();
        ReadOnlySpan<PpoState> states = block.Range.GetReadOnlySpan<PpoState>();
        Span<PpoStats> stats = block.Range.GetSpan<PpoStats>();
        Span<Loss> losses = block.Losses;
        ReadOnlySpan<TrainingState> training = block.States;
        bool continuous = spec.LogStd is not null;
        for (int i = 0; i < block.Count; i++)
        {
            int rows = states[i].MinibatchRows;
            if ((training[i].Outcome & TickOutcome.SitsOut) != 0 || rows == 0)
            {
                continue;
            }

            PpoLoss.Run(spec, settings[i], outputs.Slice(i * outFloats, outFloats), batches.Slice(i * batchFloats, batchFloats), rows,
                continuous ? logStds.Slice(i * a, a) : default, outputGradient.Slice(i * outFloats, outFloats),
                continuous ? logStdGradients.Slice(i * a, a) : default, block.Scratch.AsSpan(0, rows), ref stats[i]);
            losses[i].Value = stats[i].TotalLoss;
        }
    }
}
