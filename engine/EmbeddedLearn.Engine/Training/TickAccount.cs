using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>Which entities a tick left out for bad data, whose step it skipped, clipped or quarantined, which sat it
/// out waiting for data, and whose outputs it held: filled by the admission pass, the forward, guard and step stages
/// and the replay sampler, read through <see cref="TickReport"/>.</summary>
internal sealed class TickAccount
{
    public EntityList LeftOut { get; } = new();

    public EntityList StepSkipped { get; } = new();

    public EntityList Clipped { get; } = new();

    public EntityList Quarantined { get; } = new();

    public EntityList Waiting { get; } = new();

    public EntityList OutputsHeld { get; } = new();

    /// <summary>Empties every list and makes room for <paramref name="entities"/> entries in each.</summary>
    public void Begin(int entities)
    {
        Reserve(entities);
        foreach (EntityList list in (ReadOnlySpan<EntityList>)[LeftOut, StepSkipped, Clipped, Quarantined, Waiting, OutputsHeld])
        {
            list.Clear();
        }
    }

    /// <summary>Makes room for <paramref name="entities"/> entries in each list (keeping what they hold).</summary>
    public void Reserve(int entities)
    {
        foreach (EntityList list in (ReadOnlySpan<EntityList>)[LeftOut, StepSkipped, Clipped, Quarantined, Waiting, OutputsHeld])
        {
            list.Reserve(entities);
        }
    }
}
