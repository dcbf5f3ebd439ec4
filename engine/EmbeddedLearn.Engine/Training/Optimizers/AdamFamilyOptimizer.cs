using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training.Optimizers;

/// <summary>What Adam and AdamW share: their state, the moments <c>[m | v]</c> (2P floats, <c>exp_avg</c> then
/// <c>exp_avg_sq</c>), and the split of an entity's state slice into them.</summary>
public abstract class AdamFamilyOptimizer : OptimizerUnit
{
    /// <inheritdoc/>
    public override ComponentType? StateComponent(ModelSpec spec, in TrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.AdamMoments;
    }

    /// <inheritdoc/>
    public override void Apply(in TrainingSettings settings, long stepCount, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> state) => Step(settings, stepCount, parameters, gradients, state, default);

    /// <inheritdoc/>
    private protected override bool ApplyKeepingOld(in TrainingSettings settings, long stepCount, Span<float> parameters,
        ReadOnlySpan<float> gradients, Span<float> state, Span<float> backup) =>
        Step(settings, stepCount, parameters, gradients, state, backup);

    /// <summary>Whether the weight decay is decoupled (AdamW's <c>p *= 1 - lr wd</c> before the update) rather than an L2
    /// term added to the gradient (Adam's).</summary>
    private protected abstract bool Decoupled { get; }

    private bool Step(in TrainingSettings settings, long stepCount, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> state, Span<float> backup)
    {
        int p = parameters.Length;
        return AdamStep.Run(settings, stepCount, parameters, gradients, state[..p], state.Slice(p, p), backup, Decoupled);
    }
}
