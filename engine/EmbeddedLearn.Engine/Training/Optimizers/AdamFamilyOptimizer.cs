using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

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
        Span<float> state)
    {
        int p = parameters.Length;
        Update(settings, stepCount, parameters, gradients, state[..p], state.Slice(p, p));
    }

    /// <summary>The step on one entity: <paramref name="m"/> and <paramref name="v"/> hold P floats each.</summary>
    protected abstract void Update(in TrainingSettings settings, long stepCount, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> m, Span<float> v);
}
