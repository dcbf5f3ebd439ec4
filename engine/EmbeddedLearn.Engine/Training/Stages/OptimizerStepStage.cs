using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Optimizers;

namespace EmbeddedLearn.Training.Stages;

/// <summary>
/// <c>optimizer.step()</c> of one <see cref="OptimizerUnit"/>, for the entities whose settings select it and whose
/// accumulation window just ended (<see cref="TrainingState.StepDue"/>). The one counter convention for every
/// optimizer: <c>OptimizerSteps</c> is incremented first, the unit steps with <c>t = OptimizerSteps</c> (1 on the
/// first step), then <c>StepDue</c> is cleared. The default pipeline has one such stage per unit
/// (named "SgdStep", "AdamStep", "AdamWStep").
/// </summary>
public sealed class OptimizerStepStage : IBlockStage
{
    /// <summary>A step stage for <paramref name="optimizer"/>.</summary>
    public OptimizerStepStage(OptimizerUnit optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        Name = optimizer.Name + "Step";
    }

    /// <summary>The unit this stage steps.</summary>
    public OptimizerUnit Optimizer { get; }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public StageKind Kind => StageKind.OptimizerStep;

    /// <inheritdoc/>
    public ModelData Reads => ModelData.Parameters | ModelData.Gradients | ModelData.OptimizerState | ModelData.Settings | ModelData.Counters;

    /// <inheritdoc/>
    public ModelData Writes => ModelData.Parameters | ModelData.OptimizerState | ModelData.Counters;

    /// <inheritdoc/>
    public DeviceBody? Device => Optimizer.Device;

    /// <inheritdoc/>
    public void Execute(in ModelBlock block)
    {
        if (!block.IsTrainable)
        {
            return;
        }

        ModelSpec spec = block.Spec;
        int p = spec.Parameters.ElementCount;
        Span<float> parameters = block.Floats(spec.Parameters);
        ReadOnlySpan<float> gradients = block.Floats(spec.Gradients);
        ReadOnlySpan<TrainingSettings> settings = block.Settings;
        Span<TrainingState> states = block.States;
        OptimizerKind kind = Optimizer.Kind;
        for (int i = 0; i < block.Count; i++)
        {
            ref TrainingState state = ref states[i];
            if (!state.StepDue || settings[i].Optimizer != kind || (state.Outcome & TickOutcome.SitsOut) != 0)
            {
                continue;
            }

            ComponentType? stateType = Optimizer.StateComponent(spec, settings[i]);
            Span<float> entityState = stateType is null ? [] : block.Floats(stateType).Slice(i * stateType.ElementCount, stateType.ElementCount);
            state.OptimizerSteps++;
            Optimizer.Apply(settings[i], state.OptimizerSteps, parameters.Slice(i * p, p), gradients.Slice(i * p, p), entityState);
            state.StepDue = false;
        }
    }
}
