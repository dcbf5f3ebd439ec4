using EmbeddedLearn.Components;
using EmbeddedLearn.Ecs;
using EmbeddedLearn.Training.Cpu;

namespace EmbeddedLearn.Training;

/// <summary>What a game does with a quarantined entity: release it, or reinitialise it and release it.</summary>
public sealed partial class ModelSpec
{
    /// <summary>
    /// Releases <paramref name="entity"/> from quarantine (removes the <see cref="Quarantined"/> tag and clears its
    /// failure count) so it trains again from its current parameters. With <paramref name="resetOptimizer"/> its
    /// optimizer state (momentum, Adam moments), gradients and step counters start afresh too, as a new PyTorch
    /// optimizer would; without it a NaN moment left from the divergence would poison the next step. A structural
    /// change: not while a query runs.
    /// </summary>
    /// <exception cref="InvalidOperationException">The entity is not alive or holds no trainable model of this spec, or it is
    /// quarantined and a query is running (removing the tag is a structural change); nothing changed.</exception>
    public void Release(World world, Entity entity, bool resetOptimizer = true)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("ModelSpec.Release");
        RequireTrainable(world, entity);
        if (world.IsQueryRunning && world.Has<Quarantined>(entity))
        {
            throw new InvalidOperationException("Release of " + entity + " removes its Quarantined tag, a structural change, and a query "
                + "is running; call it after the query (or from a CommandBuffer's playback). Nothing changed.");
        }

        if (resetOptimizer)
        {
            ResetOptimizerState(world, entity);
        }

        HostResidency.BeforeHostRead(world);
        ref TrainingState state = ref world.Get<TrainingState>(entity);
        state.ConsecutiveFailures = 0;
        state.Outcome = TickOutcome.None;
        if (world.Has<Quarantined>(entity))
        {
            world.Remove<Quarantined>(entity);
        }

        HostResidency.AfterHostWrite(world);
    }

    /// <summary>
    /// Reinitialises <paramref name="entity"/>'s parameters as <see cref="Spawn(World, in TrainingSettings, ulong)"/>
    /// does from <paramref name="seed"/>, starts its optimizer state, gradients and counters afresh, and releases it
    /// from quarantine.
    /// </summary>
    /// <exception cref="InvalidOperationException">The entity is not alive or holds no trainable model of this spec.</exception>
    public void Reinitialise(World world, Entity entity, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(world);
        using WorldLock change = world.BeginChange("ModelSpec.Reinitialise");
        RequireTrainable(world, entity);
        HostResidency.BeforeHostRead(world);
        ParameterInit.Default(Layout, seed, world.GetSpan<float>(entity, Parameters));
        Release(world, entity, resetOptimizer: true);
    }

    private void RequireTrainable(World world, Entity entity)
    {
        if (!world.Has(entity, Parameters) || !world.Has<TrainingState>(entity))
        {
            throw new InvalidOperationException(entity + " holds no trainable model of spec " + this + ".");
        }
    }
}
