using EmbeddedLearn.Ecs;

namespace EmbeddedLearn.Training;

/// <summary>
/// A game's stage threw during a tick; the inner exception is the stage's own, and no later stage of the tick ran.
/// A block stage: the entities of every block it threw on were put back as they were before the tick's run of block
/// stages (every component of theirs, byte for byte), so none of that run is applied to them, and the other blocks
/// finished the run whole (<see cref="Entities"/> lists one such block); or, where the stage that threw and every
/// stage after it in the run observe only (<see cref="IBlockStage.ObservesOnly"/>), the block had already finished
/// every other stage of the run, so it holds the whole run's writes, as the other blocks do
/// (<see cref="Restored"/> is false). A game system (<see cref="IWorldSystem"/>): the block stages before it were
/// applied to every entity and none after it (<see cref="Entities"/> is empty).
/// </summary>
public sealed class StageException : Exception
{
    /// <summary>Wraps <paramref name="inner"/>, thrown by stage <paramref name="stageName"/> on <paramref name="entities"/>.</summary>
    public StageException(string stageName, IReadOnlyList<Entity> entities, Exception inner)
        : this(stageName, entities, inner, restored: true)
    {
    }

    private StageException(string stageName, IReadOnlyList<Entity> entities, Exception inner, bool restored)
        : base(Describe(stageName, entities, inner, restored), inner)
    {
        StageName = stageName;
        Entities = entities;
        Restored = restored;
    }

    /// <summary>The stage that threw (<see cref="IPipelineStage.Name"/>).</summary>
    public string StageName { get; }

    /// <summary>The entities of the block it threw on: restored to their state before the run, unless
    /// <see cref="Restored"/> is false.</summary>
    public IReadOnlyList<Entity> Entities { get; }

    /// <summary>Whether <see cref="Entities"/> were put back as they were before the run (true), or kept every write of
    /// the run because the stage that threw and every stage after it observe only (false; empty
    /// <see cref="Entities"/>, for a game system, counts as true).</summary>
    public bool Restored { get; } = true;

    /// <summary>Wraps <paramref name="inner"/>, thrown by stage <paramref name="stageName"/> on <paramref name="entities"/>,
    /// a block that was not backed up: the stage and every stage after it in the run observe only.</summary>
    internal static StageException FromObserver(string stageName, IReadOnlyList<Entity> entities, Exception inner) =>
        new(stageName, entities, inner, restored: false);

    /// <summary>Wraps <paramref name="inner"/>, thrown by game system <paramref name="systemName"/>.</summary>
    internal static StageException FromSystem(string systemName, Exception inner) => new(systemName, inner);

    private StageException(string systemName, Exception inner)
        : base("Game system " + systemName + " threw " + inner.GetType().Name + " (" + inner.Message + "). The block stages "
            + "before it in the tick were applied to every entity, and no later stage ran.", inner)
    {
        StageName = systemName;
        Entities = [];
    }

    private static string Describe(string stageName, IReadOnlyList<Entity> entities, Exception inner, bool restored)
    {
        ArgumentNullException.ThrowIfNull(stageName);
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(inner);
        string which = entities.Count == 0 ? "no entity" : entities.Count == 1 ? entities[0].ToString()
            : entities.Count + " entities from " + entities[0];
        string start = "Stage " + stageName + " threw " + inner.GetType().Name + " (" + inner.Message + ") on the block of " + which + ". ";
        return start + (restored
            ? "Those entities were restored to their state before the tick's run of block stages; the other blocks finished "
                + "it whole, and no later stage of the tick ran."
            : "It observes only, as do the stages after it in the run, so those entities kept every write of the run, as the "
                + "other blocks, which finished it whole; no later stage of the tick ran.");
    }
}
