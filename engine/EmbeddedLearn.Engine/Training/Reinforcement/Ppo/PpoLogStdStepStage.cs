using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Optimizers;
using EmbeddedLearn.Training.Stages;

namespace EmbeddedLearn.Training.Reinforcement;

/// <summary>
/// <c>optimizer.step()</c> for a continuous policy's log standard deviation, between the guard and the model's
/// optimizer step stages: for every brain due to step, the brain's own optimizer unit (its
/// <see cref="TrainingSettings"/>: SGD with or without momentum, Adam, AdamW, the same learning rate, weight decay and
/// step count <c>t = OptimizerSteps + 1</c>) applied to <see cref="PpoSpec.LogStd"/> with
/// <see cref="PpoSpec.LogStdGradient"/> (already clipped by the guard together with the network's gradients) and
/// <see cref="PpoSpec.LogStdState"/>. Every optimizer is element-wise, so this equals one PyTorch optimizer over the
/// network's parameters and the log-std. A step that would make a value non-finite is rejected as the step stages
/// reject one: the log-std and its state keep their values, the brain's whole step is skipped and counted as a failure.
/// On a device it runs as its <see cref="Device"/> body (PpoLogStdStep.cl).
/// </summary>
public sealed class PpoLogStdStepStage : IBlockStage
{
    /// <inheritdoc/>
    public string Name => "PpoLogStdStep";

    /// <summary>The device code: PpoLogStdStep.cl.</summary>
    internal static readonly DeviceBody Body = PpoBlock.Body("el_ppo_logstd_step", "PpoLogStdStep.cl",
        [DeviceArgument.LayerCount, DeviceArgument.Widths, DeviceArgument.PpoContinuous, DeviceArgument.PpoLogStd, DeviceArgument.PpoLogStdGradient, DeviceArgument.PpoLogStdState, DeviceArgument.SettingsF, DeviceArgument.SettingsI, DeviceArgument.State, DeviceArgument.Flags]);

    /// <inheritdoc/>
    public DeviceBody Device => Body;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Settings | ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.Counters;

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        PpoSpec? spec = PpoBlock.Spec(block);
        if (spec?.LogStd is null || !block.IsTrainable)
        {
            return;
        }

        int a = spec.ActionCount;
        Span<float> logStds = block.Floats(spec.LogStd);
        ReadOnlySpan<float> gradients = block.Floats(spec.LogStdGradient!);
        Span<float> optimizerStates = block.Floats(spec.LogStdState!);
        ReadOnlySpan<TrainingSettings> settings = block.Settings;
        Span<TrainingState> states = block.States;
        for (int i = 0; i < block.Count; i++)
        {
            ref TrainingState state = ref states[i];
            if (!state.StepDue || (state.Outcome & TickOutcome.SitsOut) != 0)
            {
                continue;
            }

            OptimizerUnit unit = OptimizerUnits.For(settings[i].Optimizer);
            ComponentType? stateType = unit.StateComponent(spec.Model, settings[i]);
            int stateLength = stateType is null ? 0 : stateType == spec.Model.Momentum ? a : 2 * a;
            Span<float> logStd = logStds.Slice(i * a, a);
            Span<float> optimizerState = optimizerStates.Slice(i * 2 * a, stateLength);
            if (!unit.ApplyIfFinite(settings[i], state.OptimizerSteps + 1, logStd, gradients.Slice(i * a, a), optimizerState, block.Scratch))
            {
                state.StepDue = false;
                GuardStage.CountFailure(block, i, ref state);
            }
        }
    }
}
