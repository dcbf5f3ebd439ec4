using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>Resetting an entity's optimizer state, for repairing a diverged model.</summary>
public sealed partial class ModelSpec
{
    /// <summary>
    /// Starts <paramref name="entity"/>'s optimizer afresh, as a newly created PyTorch optimizer after
    /// <c>optimizer.zero_grad()</c> would: the SGD momentum buffer and the Adam moments (whichever components it holds)
    /// become zero, the accumulated gradients zero, and the counters (<see cref="TrainingState.BackwardPasses"/>,
    /// <see cref="TrainingState.OptimizerSteps"/>, <see cref="TrainingState.StepDue"/>) zero, so the next step is a first
    /// step (<c>buf = g</c>; Adam's bias correction with <c>t = 1</c>). Parameters and settings are kept.
    /// </summary>
    /// <remarks>
    /// Repairing a model that diverged to NaN takes both <see cref="ImportParameters"/> and this call: a NaN momentum
    /// buffer or Adam moment would otherwise turn the repaired parameters into NaN again on the next step. The backend
    /// holding the world's state (<see cref="HostResidency"/>) is synchronised first and told of the change.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The entity is not alive or holds no trainable model of this spec
    /// (nothing changes).</exception>
    public void ResetOptimizerState(World world, Entity entity)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("ModelSpec.ResetOptimizerState");
        if (!world.IsAlive(entity) || !world.GetArchetype(entity).Signature.ContainsAll(PlainSignature))
        {
            throw new InvalidOperationException(entity + " holds no trainable model of spec " + this + ".");
        }

        HostResidency.BeforeHostRead(world);
        world.GetSpan<float>(entity, Gradients).Clear();
        foreach (ComponentType state in (ReadOnlySpan<ComponentType>)[Momentum, AdamMoments])
        {
            if (world.Has(entity, state))
            {
                world.GetSpan<float>(entity, state).Clear();
            }
        }

        world.Set(entity, default(TrainingState));
        HostResidency.AfterHostWrite(world);
    }
}
