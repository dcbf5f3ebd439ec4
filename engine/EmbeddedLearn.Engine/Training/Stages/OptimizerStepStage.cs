using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Optimizers;

namespace EmbeddedLearn.Training.Stages;

/// <summary>
/// <c>optimizer.step()</c> of one <see cref="OptimizerUnit"/>, for the entities whose settings select it and whose
/// accumulation window just ended (<see cref="TrainingState.StepDue"/>). The one counter convention for every
/// optimizer: the unit steps with <c>t = OptimizerSteps + 1</c> (1 on the first step); the step is applied only when
/// every new parameter and every new optimizer state value (momentum buffer; Adam's <c>exp_avg</c> and
/// <c>exp_avg_sq</c>) is finite: then <c>OptimizerSteps</c> becomes <c>t</c> and
/// <see cref="TrainingState.ConsecutiveFailures"/> 0. Otherwise (Adam's <c>g^2</c> overflowing float after an input
/// spike, <c>eps = 0</c> giving <c>0/0</c>, ...) the step is rejected: the entity keeps its exact pre-step parameters,
/// optimizer state and <c>OptimizerSteps</c> (so a later step uses the right bias correction) and counts a failure as
/// the guard does for non-finite gradients (<see cref="TickOutcome.StepSkipped"/>, quarantine after
/// <see cref="TrainingSettings.FailuresBeforeQuarantine"/> in a row). Either way <c>StepDue</c> is cleared. On the CPU
/// the step's own pass copies the pre-step values into the thread's scratch and checks the new ones as it stores them;
/// a rejected step is copied back (identical for every thread count); the device kernels check the new values in a
/// first pass and store them only where all are finite. The
/// default pipeline has one such stage per unit (named "SgdStep", "AdamStep", "AdamWStep").
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
    public void Execute(in ModelBlock block) => Run(block, guardDeferred: false);

    /// <summary>The step; with <paramref name="guardDeferred"/> it also does the guard's work for the entities the guard
    /// left to it (<see cref="DeferredGuard"/>).</summary>
    internal void Run(in ModelBlock block, bool guardDeferred)
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
        int leftToMe = guardDeferred ? DeferredGuard.KindsOn(ExtraParameters.GradientOf(block.Range.Archetype), DeferredGuard.KindBit(kind)) : 0;
        for (int i = 0; i < block.Count; i++)
        {
            ref TrainingState state = ref states[i];
            if (!state.StepDue || settings[i].Optimizer != kind || (state.Outcome & TickOutcome.SitsOut) != 0)
            {
                continue;
            }

            ComponentType? stateType = Optimizer.StateComponent(spec, settings[i]);
            Span<float> entityState = stateType is null ? [] : block.Floats(stateType).Slice(i * stateType.ElementCount, stateType.ElementCount);
            Span<float> entityParameters = parameters.Slice(i * p, p);
            bool applied;
            if (leftToMe != 0 && DeferredGuard.LeftToStep(settings[i], leftToMe))
            {
                applied = Optimizer.ApplyWithNormIfFinite(settings[i], state.OptimizerSteps + 1, entityParameters,
                    gradients.Slice(i * p, p), entityState, block.Scratch, out float norm);
                state.GradientNorm = norm;
            }
            else
            {
                applied = Optimizer.ApplyIfFinite(settings[i], state.OptimizerSteps + 1, entityParameters, gradients.Slice(i * p, p),
                    entityState, block.Scratch);
            }

            if (applied)
            {
                state.OptimizerSteps++;
                state.ConsecutiveFailures = 0;
            }
            else
            {
                GuardStage.CountFailure(block, i, ref state);
            }

            state.StepDue = false;
        }
    }

    /// <summary>Scratch floats the stage needs per thread for entities of <paramref name="spec"/>: one entity's
    /// parameters and its largest optimizer state (Adam's moments, 2P floats).</summary>
    internal static int ScratchLength(ModelSpec spec) => spec.Parameters.ElementCount + spec.AdamMoments.ElementCount;
}
